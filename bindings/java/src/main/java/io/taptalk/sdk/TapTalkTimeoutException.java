package io.taptalk.sdk;

/**
 * 91001: no complete reply within {@code timeout_ms} (a send that timed out raises
 * {@link OutcomeUnknownException} instead). MAY have been delivered.
 */
public class TapTalkTimeoutException extends TransportException {
    private static final long serialVersionUID = 1L;

    public TapTalkTimeoutException(Envelope envelope) {
        super(envelope);
    }

    @Override
    public boolean isMaybeDelivered() {
        return true;
    }
}
