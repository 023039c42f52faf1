package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls made from threads the JVM has never seen (the C or C++ part of an app calling libtaptalk
 * while the Java side has a log listener or a platform verifier registered): the library
 * attaches each such thread to reach Java, and detaches it after, so no Java thread is left
 * behind. The calls come from {@code native_threads.c}, a test-only JNI library that
 * scripts/test-java.sh builds and names in {@code -Dtaptalk.test.native}.
 */
class NativeThreadTest {
    static final String SEND = "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"from C\"}";
    static final int THREADS = 4;

    /** Sends {@code request} once from each of {@code threads} new native threads; the replies, one per line. */
    static native String sendFromNewNativeThreads(String library, String config, String request, int threads);

    @BeforeAll
    static void load() {
        TapTalk.version(); // libtaptalk first: the helper looks for it among the loaded libraries
        String helper = System.getProperty("taptalk.test.native");
        assertTrue(helper != null && !helper.isEmpty(), "scripts/test-java.sh sets -Dtaptalk.test.native");
        System.load(helper);
    }

    @AfterEach
    void off() {
        TapTalk.setLogListener(null, 0);
        TapTalk.setTlsVerifier(null);
    }

    private static List<String> replies(String answer) {
        assertFalse(answer.startsWith("error:") || answer.contains("\nerror:"), answer);
        List<String> lines = new ArrayList<>();
        for (String line : answer.split("\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        assertEquals(THREADS, lines.size(), answer);
        return lines;
    }

    private static void assertAllSent(List<String> replies, Sandbox sandbox) throws Exception {
        for (String reply : replies) {
            assertTrue(reply.startsWith("{\"status\":200,"), reply);
        }
        assertEquals(THREADS, Sandbox.strings(sandbox.get("/_sandbox/sendtalk/messages"), "id").size());
    }

    /** Waits for the attached threads to end (detaching ends a Java thread's life), bounded. */
    private static void assertAllEnded(List<Thread> threads) throws InterruptedException {
        for (Thread thread : threads) {
            thread.join(10000);
            assertFalse(thread.isAlive(), thread + " is still attached");
        }
    }

    @Test
    void theLogListenerRunsOnAttachedNativeThreadsWhichAreDetachedAfter() throws Exception {
        final List<Thread> seen = Collections.synchronizedList(new ArrayList<Thread>());
        final List<String> lines = Collections.synchronizedList(new ArrayList<String>());
        final Thread me = Thread.currentThread();
        TapTalk.setLogListener((level, target, message) -> {
            seen.add(Thread.currentThread());
            lines.add(message);
        }, TapTalk.LOG_INFO);
        try (Sandbox sandbox = new Sandbox()) {
            List<String> replies = replies(sendFromNewNativeThreads(TapTalk.librarySource(), sandbox.config(), SEND, THREADS));
            assertAllSent(replies, sandbox);
        }
        assertEquals(THREADS, lines.size(), lines.toString());
        for (String line : lines) {
            assertTrue(line.contains("sendtalk_send_whatsapp") && line.contains("6281*******78"), line);
        }
        assertEquals(THREADS, seen.size());
        for (Thread thread : seen) {
            assertNotEquals(me, thread, "the line came on the native thread, not the caller of the test");
        }
        assertAllEnded(seen);
    }

    @Test
    void thePlatformVerifierRunsOnAttachedNativeThreads() throws Exception {
        try (Sandbox sandbox = new Sandbox("--tls")) {
            X509Certificate ca;
            try (InputStream in = new FileInputStream(sandbox.caFile)) {
                ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("taptalk-sandbox-ca", ca);
            // The test's own HTTPS requests to the sandbox's control API trust it too.
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext control = SSLContext.getInstance("TLS");
            control.init(null, factory.getTrustManagers(), null);
            sandbox.controlTrust = control.getSocketFactory();
            final PlatformTrust trust = new PlatformTrust(store);
            final List<Thread> seen = Collections.synchronizedList(new ArrayList<Thread>());
            TapTalk.setTlsVerifier((chain, host) -> {
                seen.add(Thread.currentThread());
                trust.checkServerTrusted(chain, host);
            });
            String config = sandbox.config("\"tls\": {\"verifier\": \"platform\"}");
            List<String> replies = replies(sendFromNewNativeThreads(TapTalk.librarySource(), config, SEND, THREADS));
            assertAllSent(replies, sandbox);
            assertTrue(seen.size() >= 1, "the verifier was asked");
            for (Thread thread : seen) {
                assertNotEquals(Thread.currentThread(), thread);
            }
            assertAllEnded(seen);
        }
    }
}
