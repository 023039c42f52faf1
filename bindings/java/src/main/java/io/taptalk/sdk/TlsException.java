package io.taptalk.sdk;

/**
 * 91004: the TLS handshake or certificate check failed; nothing was sent.
 */
public class TlsException extends TransportException {
    private static final long serialVersionUID = 1L;

    public TlsException(Envelope envelope) {
        super(envelope);
    }
}
