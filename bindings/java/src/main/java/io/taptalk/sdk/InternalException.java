package io.taptalk.sdk;

/**
 * 90004: a panic was caught inside the native library. Please report it.
 */
public class InternalException extends TapTalkException {
    private static final long serialVersionUID = 1L;

    public InternalException(Envelope envelope) {
        super(envelope);
    }
}
