package io.taptalk.sdk;

/**
 * The library was called wrongly: 90001 (null, or a string the C ABI cannot carry, or an
 * unknown operation name), 90002 (the request is not a JSON object, or a {@code Map} that
 * cannot be written as JSON).
 */
public class UsageException extends TapTalkException {
    private static final long serialVersionUID = 1L;

    public UsageException(Envelope envelope) {
        super(envelope);
    }
}
