package io.taptalk.sdk;

/**
 * 90005: the {@link TapTalkClient} was closed before this call; nothing was sent.
 */
public class ClientClosedException extends UsageException {
    private static final long serialVersionUID = 1L;

    public ClientClosedException(Envelope envelope) {
        super(envelope);
    }
}
