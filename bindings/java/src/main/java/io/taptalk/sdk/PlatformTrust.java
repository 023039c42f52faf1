package io.taptalk.sdk;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The platform's certificate trust, as an {@link TlsVerifier}: the default
 * {@link TrustManagerFactory} initialised with {@code (KeyStore) null}. On Android that is the
 * system trust manager, with user-added and device-management CAs and the app's Network
 * Security Config (checked through {@code android.net.http.X509TrustManagerExtensions}, with
 * the host name, so domain-specific settings and pins apply); on a desktop JVM it is the
 * JVM's default trust store ({@code cacerts}, or {@code javax.net.ssl.trustStore}).
 *
 * <pre>{@code
 * // Registered by the binding on load; a client opts in by config:
 * TapTalkClient client = new TapTalkClient("{\"sendtalk\": {\"api_key\": \"...\"}, \"tls\": {\"verifier\": \"platform\"}}");
 * }</pre>
 *
 * The host name is also checked by the library itself against the leaf certificate, since a
 * desktop JVM's {@link X509TrustManager} does not look at names.
 */
public final class PlatformTrust implements TlsVerifier {
    private final X509TrustManager trustManager;
    /** Android's X509TrustManagerExtensions over trustManager, and its 3-argument check; or null. */
    private final Object extensions;
    private final Method extensionsCheck;

    /** The platform's default trust store. */
    public PlatformTrust() throws GeneralSecurityException {
        this((KeyStore) null);
    }

    /** The certificates of {@code trustStore} (null: the platform's default store). */
    public PlatformTrust(KeyStore trustStore) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trustStore);
        X509TrustManager found = null;
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager) {
                found = (X509TrustManager) manager;
                break;
            }
        }
        if (found == null) {
            throw new GeneralSecurityException("the default TrustManagerFactory has no X509TrustManager");
        }
        trustManager = found;
        Object ext = null;
        Method check = null;
        try {
            Class<?> type = Class.forName("android.net.http.X509TrustManagerExtensions");
            Constructor<?> constructor = type.getConstructor(X509TrustManager.class);
            ext = constructor.newInstance(found);
            check = type.getMethod("checkServerTrusted", X509Certificate[].class, String.class, String.class);
        } catch (ClassNotFoundException e) {
            // Not Android: the plain trust manager decides, the library checks the name.
        } catch (ReflectiveOperationException | RuntimeException e) {
            // A trust manager the extensions refuse (not the platform's): the plain check.
            ext = null;
            check = null;
        }
        extensions = ext;
        extensionsCheck = check;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String host) throws CertificateException {
        String authType = authType(chain[0]);
        if (extensionsCheck == null) {
            trustManager.checkServerTrusted(chain, authType);
            return;
        }
        try {
            extensionsCheck.invoke(extensions, chain, authType, host);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CertificateException) {
                throw (CertificateException) cause;
            }
            throw new CertificateException(String.valueOf(cause), cause);
        } catch (IllegalAccessException e) {
            throw new CertificateException(e.toString(), e);
        }
    }

    /**
     * The key-exchange name the trust manager expects, from the leaf's key (the negotiated
     * suite is not known at this point; every suite this library offers is ECDHE).
     */
    static String authType(X509Certificate leaf) {
        String algorithm = leaf.getPublicKey().getAlgorithm();
        if ("RSA".equals(algorithm)) {
            return "ECDHE_RSA";
        }
        if ("EC".equals(algorithm)) {
            return "ECDHE_ECDSA";
        }
        return "GENERIC";
    }

    /** The platform's trust, its store loaded at the first handshake rather than at load. */
    static final class Lazy implements TlsVerifier {
        private volatile PlatformTrust trust;

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String host) throws CertificateException {
            PlatformTrust loaded = trust;
            if (loaded == null) {
                synchronized (this) {
                    if (trust == null) {
                        try {
                            trust = new PlatformTrust();
                        } catch (GeneralSecurityException e) {
                            throw new CertificateException("the platform's trust store could not be loaded: " + e, e);
                        }
                    }
                    loaded = trust;
                }
            }
            loaded.checkServerTrusted(chain, host);
        }
    }
}
