package io.taptalk.sdk;

/**
 * 91005: the server answered a redirect; redirects are never followed (check base_url).
 */
public class RedirectException extends TransportException {
    private static final long serialVersionUID = 1L;

    public RedirectException(Envelope envelope) {
        super(envelope);
    }
}
