package io.taptalk.sdk;

/**
 * 91002: could not connect (refused, DNS, unreachable, connect timeout); nothing was sent,
 * so retrying is safe.
 */
public class ConnectException extends TransportException {
    private static final long serialVersionUID = 1L;

    public ConnectException(Envelope envelope) {
        super(envelope);
    }
}
