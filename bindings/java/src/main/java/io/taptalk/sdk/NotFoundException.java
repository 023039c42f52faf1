package io.taptalk.sdk;

/**
 * 40401 (or status 404): the item does not exist, e.g. "Message is not found".
 */
public class NotFoundException extends TapTalkException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(Envelope envelope) {
        super(envelope);
    }
}
