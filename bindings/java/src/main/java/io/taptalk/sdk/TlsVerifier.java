package io.taptalk.sdk;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Decides whether a server's certificate chain is trusted, for clients configured with
 * {@code "tls": {"verifier": "platform"}}. The binding registers {@link PlatformTrust} (the
 * platform's trust store) when it loads; {@link TapTalk#setTlsVerifier} replaces it.
 *
 * <pre>{@code
 * TapTalk.setTlsVerifier((chain, host) -> {
 *     if (!pinned(chain[0])) throw new CertificateException("not the pinned key");
 * });
 * }</pre>
 *
 * The library has already checked that {@code chain[0]} is valid for {@code host}, and checks
 * the handshake signatures itself: a verifier decides chain trust only. It runs on the thread
 * making the call, possibly on several threads at once, and must not call into the library.
 */
public interface TlsVerifier {
    /**
     * Returns normally when {@code chain} (leaf first, as the server sent it) is trusted for
     * {@code host} (a DNS name, or an IP address as text); otherwise throws, and the
     * exception's message becomes the reason in the {@link TlsException} (91004).
     */
    void checkServerTrusted(X509Certificate[] chain, String host) throws CertificateException;
}
