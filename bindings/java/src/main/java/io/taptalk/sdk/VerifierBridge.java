package io.taptalk.sdk;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * What the native side calls during a handshake (src/jni/verifier.rs): turns the DER chain
 * into certificates, asks the {@link TlsVerifier}, and answers null (trusted) or the reason.
 * It never throws: anything the verifier throws is a rejection with its message.
 */
final class VerifierBridge {
    private final TlsVerifier verifier;

    VerifierBridge(TlsVerifier verifier) {
        this.verifier = verifier;
    }

    /** Called by the native library only. */
    String check(byte[][] chain, String host) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            X509Certificate[] certificates = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) {
                certificates[i] = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(chain[i]));
            }
            verifier.checkServerTrusted(certificates, host);
            return null;
        } catch (java.security.cert.CertificateException e) {
            String message = e.getMessage();
            return message == null || message.isEmpty() ? e.getClass().getName() : message;
        } catch (Throwable e) {
            return "the Java verifier failed: " + e;
        }
    }
}
