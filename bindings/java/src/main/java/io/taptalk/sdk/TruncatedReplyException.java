package io.taptalk.sdk;

/**
 * 91007: the reply body ended before its announced length.
 */
public class TruncatedReplyException extends TransportException {
    private static final long serialVersionUID = 1L;

    public TruncatedReplyException(Envelope envelope) {
        super(envelope);
    }

    @Override
    public boolean isMaybeDelivered() {
        return true;
    }
}
