package io.taptalk.sdk;

/**
 * The {@link TapTalkClient} was closed before this call; nothing was sent.
 */
public class ClientClosedException extends UsageException {
    private static final long serialVersionUID = 1L;

    public ClientClosedException(Envelope envelope) {
        super(envelope);
    }
}
