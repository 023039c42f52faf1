package io.taptalk.sdk;

/**
 * 91010: a send timed out or lost its connection after it was written. It may have been
 * delivered, so the library did not retry it; check (e.g. with getStatus or the case list)
 * before sending again. {@code getEnvelope().getData()} may carry {@code attempts}.
 */
public class OutcomeUnknownException extends TransportException {
    private static final long serialVersionUID = 1L;

    public OutcomeUnknownException(Envelope envelope) {
        super(envelope);
    }

    @Override
    public boolean isMaybeDelivered() {
        return true;
    }
}
