package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code "tls": {"verifier": "platform"}} against the sandbox over real TLS ({@code --tls}): the
 * JVM's own trust decides, through {@link PlatformTrust}, with no CA given to the library. The
 * JVM's default store lacks the sandbox's CA; a PKCS12 trust store holding it (made here with
 * the KeyStore API) is the "device" that trusts it, as the default store through
 * {@code javax.net.ssl.trustStore} and as an explicit store.
 */
class PlatformTrustTest {
    static final String SEND = "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"hi\"}";
    static final String PREFIX = "The TLS handshake with the server failed: the server's certificate is not trusted by the platform verifier (";
    static final String SUFFIX = "); the request was not sent";
    static Sandbox sandbox;
    static KeyStore sandboxStore;
    static File sandboxStoreFile;

    @BeforeAll
    static void start() throws Exception {
        sandbox = new Sandbox("--tls");
        X509Certificate ca;
        try (InputStream in = new FileInputStream(sandbox.caFile)) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        sandboxStore = KeyStore.getInstance("PKCS12");
        sandboxStore.load(null, null);
        sandboxStore.setCertificateEntry("taptalk-sandbox-ca", ca);
        sandboxStoreFile = File.createTempFile("taptalk-trust", ".p12");
        sandboxStoreFile.deleteOnExit();
        try (OutputStream out = new FileOutputStream(sandboxStoreFile)) {
            sandboxStore.store(out, "changeit".toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(sandboxStore);
        SSLContext control = SSLContext.getInstance("TLS");
        control.init(null, factory.getTrustManagers(), null);
        sandbox.controlTrust = control.getSocketFactory();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() throws Exception {
        sandbox.post("/_sandbox/reset", "{}");
    }

    @AfterEach
    void restoreThePlatformDefault() {
        TapTalk.setTlsVerifier(null);
    }

    /** The default retry policy (3 attempts): one attempt must be the library's decision. */
    static TapTalkClient platformClient() {
        return new TapTalkClient(sandbox.config(
                "\"tls\": {\"verifier\": \"platform\"}, \"retry\": {\"base_delay_ms\": 1, \"max_delay_ms\": 5}"));
    }

    /** Counts the handshakes that reached the verifier, and what it was shown. */
    static final class Counting implements TlsVerifier {
        final TlsVerifier inner;
        final AtomicInteger calls = new AtomicInteger();
        final List<String> hosts = new CopyOnWriteArrayList<>();
        final List<String> leaves = new CopyOnWriteArrayList<>();

        Counting(TlsVerifier inner) {
            this.inner = inner;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String host) throws CertificateException {
            calls.incrementAndGet();
            hosts.add(host);
            leaves.add(chain[0].getSubjectX500Principal().getName());
            inner.checkServerTrusted(chain, host);
        }
    }

    private static List<String> sent() throws Exception {
        return Sandbox.strings(sandbox.get("/_sandbox/sendtalk/messages"), "id");
    }

    @Test
    void theDefaultJvmStoreLacksTheSandboxCaSoTheSendFailsOnceAndNothingArrives() throws Exception {
        // The verifier the binding registered on load: the JVM's default trust store.
        try (TapTalkClient client = platformClient()) {
            TlsException e = assertThrows(TlsException.class, () -> client.sendtalkSendWhatsapp(SEND));
            assertEquals(502, e.getStatus());
            assertEquals("91004", e.getCode());
            String message = e.getErrorMessage();
            assertTrue(message.startsWith(PREFIX) && message.endsWith(SUFFIX), message);
            assertTrue(message.contains("unable to find valid certification path"), message);
            assertFalse(message.contains("attempts"), message);
        }
        Counting counting = new Counting(new PlatformTrust());
        TapTalk.setTlsVerifier(counting);
        try (TapTalkClient client = platformClient()) {
            Envelope reply = client.callRaw("sendtalk_send_whatsapp", SEND);
            assertEquals("91004", reply.getCode(), reply.getJson());
            assertTrue(reply.getErrorMessage().contains("unable to find valid certification path"), reply.getJson());
        }
        assertEquals(1, counting.calls.get(), "a certificate the platform rejects is not retried");
        assertEquals(Collections.emptyList(), sent(), "the request never left the process");
    }

    @Test
    void withTheSandboxCaInTheDefaultTrustStoreASendSucceedsWithoutAnyCaGivenToTheLibrary() throws Exception {
        String[] keys = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStoreType", "javax.net.ssl.trustStorePassword"};
        String[] saved = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            saved[i] = System.getProperty(keys[i]);
        }
        Counting counting;
        try {
            System.setProperty(keys[0], sandboxStoreFile.getAbsolutePath());
            System.setProperty(keys[1], "PKCS12");
            System.setProperty(keys[2], "changeit");
            // PlatformTrust() is TrustManagerFactory.init((KeyStore) null): the default store,
            // which these properties now name.
            counting = new Counting(new PlatformTrust());
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (saved[i] == null) {
                    System.clearProperty(keys[i]);
                } else {
                    System.setProperty(keys[i], saved[i]);
                }
            }
        }
        TapTalk.setTlsVerifier(counting);
        try (TapTalkClient client = platformClient()) {
            String data = client.sendtalkSendWhatsapp(SEND);
            assertTrue(data.contains("\"success\":true"), data);
        }
        assertEquals(1, counting.calls.get());
        assertEquals(Collections.singletonList("127.0.0.1"), counting.hosts);
        assertEquals(Collections.singletonList("CN=localhost"), counting.leaves);
        assertEquals(1, sent().size());
    }

    @Test
    void anExplicitTrustStoreWorksFromManyThreads() throws Exception {
        TapTalk.setTlsVerifier(new PlatformTrust(sandboxStore));
        try (TapTalkClient client = platformClient()) {
            Thread[] threads = new Thread[4];
            AtomicInteger ok = new AtomicInteger();
            for (int t = 0; t < threads.length; t++) {
                threads[t] = new Thread(() -> {
                    for (int i = 0; i < 5; i++) {
                        if (client.callRaw("sendtalk_send_whatsapp", SEND).isSuccess()) {
                            ok.incrementAndGet();
                        }
                    }
                });
                threads[t].start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(20, ok.get());
        }
        assertEquals(20, sent().size());
    }

    @Test
    void aVerifierThatThrowsIsARejectionNotACrash() throws Exception {
        TapTalk.setTlsVerifier((chain, host) -> {
            throw new IllegalStateException("boom");
        });
        try (TapTalkClient client = platformClient()) {
            Envelope reply = client.callRaw("sendtalk_send_whatsapp", SEND);
            assertEquals(PREFIX + "the Java verifier failed: java.lang.IllegalStateException: boom" + SUFFIX,
                    reply.getErrorMessage(), reply.getJson());
            TapTalk.setTlsVerifier((chain, host) -> {
                throw new CertificateException("pinned key\nmismatch");
            });
            reply = client.callRaw("sendtalk_send_whatsapp", SEND);
            assertEquals(PREFIX + "pinned key mismatch" + SUFFIX, reply.getErrorMessage(), reply.getJson());
        }
        assertEquals(Collections.emptyList(), sent());
    }

    @Test
    void platformTrustCannotBeMixedWithTheLibrarysOwnRoots() {
        ConfigException e = assertThrows(ConfigException.class, () -> new TapTalkClient(sandbox.config(
                "\"tls\": {\"verifier\": \"platform\", \"ca_file\": \"" + sandbox.caFile + "\"}")));
        assertEquals("90003", e.getCode());
        assertEquals("tls.ca_file", e.getField());
    }
}
