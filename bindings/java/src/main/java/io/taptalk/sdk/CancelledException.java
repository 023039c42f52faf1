package io.taptalk.sdk;

import java.util.regex.Pattern;

/**
 * 91012 (status 499): the call was cancelled ({@link TapTalkFuture#cancel(boolean)} with
 * {@code true}). {@link #isMaybeDelivered()} is the envelope's {@code data.maybe_sent}: false
 * when it was cancelled before its request was written (nothing reached the server), true
 * when it may have reached it. A send cancelled after its request was written never answers
 * 91012: it ends as {@link OutcomeUnknownException} (91010, {@code data.cause} "91012") and is
 * never repeated.
 */
public class CancelledException extends TransportException {
    private static final long serialVersionUID = 1L;
    private static final Pattern MAYBE_SENT = Pattern.compile("\"maybe_sent\"\\s*:\\s*true");

    public CancelledException(Envelope envelope) {
        super(envelope);
    }

    @Override
    public boolean isMaybeDelivered() {
        return MAYBE_SENT.matcher(getEnvelope().getData()).find();
    }
}
