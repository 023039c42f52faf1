package io.taptalk.sdk;

/**
 * 91xxx: the request did not complete on the wire. {@link #isMaybeDelivered()} tells whether
 * a send may have reached the server anyway (the library never retries a send, so a blind
 * retry may send twice).
 */
public class TransportException extends TapTalkException {
    private static final long serialVersionUID = 1L;

    public TransportException(Envelope envelope) {
        super(envelope);
    }

    /** True when the request may have reached the server (timeout, connection lost, ...). */
    public boolean isMaybeDelivered() {
        return false;
    }
}
