package io.taptalk.sdk;

/**
 * 91009: the reply is larger than {@code max_response_bytes}.
 */
public class ReplyTooLargeException extends TransportException {
    private static final long serialVersionUID = 1L;

    public ReplyTooLargeException(Envelope envelope) {
        super(envelope);
    }

    @Override
    public boolean isMaybeDelivered() {
        return true;
    }
}
