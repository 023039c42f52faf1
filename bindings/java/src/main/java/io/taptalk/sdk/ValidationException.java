package io.taptalk.sdk;

/**
 * 40002: a request field is missing or invalid; {@link #getField()} names it.
 * Raised both for the library's own checks (nothing was sent) and for the server's.
 */
public class ValidationException extends TapTalkException {
    private static final long serialVersionUID = 1L;

    public ValidationException(Envelope envelope) {
        super(envelope);
    }
}
