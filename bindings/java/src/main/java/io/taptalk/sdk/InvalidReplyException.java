package io.taptalk.sdk;

/**
 * 91006: the reply is not a TapTalk envelope (not JSON, or another shape).
 */
public class InvalidReplyException extends TransportException {
    private static final long serialVersionUID = 1L;

    public InvalidReplyException(Envelope envelope) {
        super(envelope);
    }

    @Override
    public boolean isMaybeDelivered() {
        return true;
    }
}
