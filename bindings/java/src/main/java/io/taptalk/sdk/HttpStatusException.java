package io.taptalk.sdk;

/**
 * 91008: an HTTP error status without an envelope; {@link #getStatus()} is the HTTP status.
 */
public class HttpStatusException extends TransportException {
    private static final long serialVersionUID = 1L;

    public HttpStatusException(Envelope envelope) {
        super(envelope);
    }

    @Override
    public boolean isMaybeDelivered() {
        return true;
    }
}
