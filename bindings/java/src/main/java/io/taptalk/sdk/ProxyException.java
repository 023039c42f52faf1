package io.taptalk.sdk;

/**
 * 91011: the HTTP proxy (config {@code proxy}) could not be reached, or refused the request
 * (HTTP 407: check its credentials; 403: its policy). Nothing was sent to the server.
 */
public class ProxyException extends TransportException {
    private static final long serialVersionUID = 1L;

    public ProxyException(Envelope envelope) {
        super(envelope);
    }
}
