package io.taptalk.sdk;

/**
 * 91003: the connection broke after the request was sent; MAY have been delivered.
 */
public class ConnectionLostException extends TransportException {
    private static final long serialVersionUID = 1L;

    public ConnectionLostException(Envelope envelope) {
        super(envelope);
    }

    @Override
    public boolean isMaybeDelivered() {
        return true;
    }
}
