package io.taptalk.sdk;

/**
 * {@link Webhooks#parse} refused a webhook (930xx): the body is not one JSON object (93004),
 * is larger than the limit (93005), is in no TapTalk callback shape (93006), or a known field
 * has the wrong type (93007; {@link #getField()} names it). {@link #getStatus()} is the HTTP
 * status to answer the sender with.
 */
public class WebhookException extends TapTalkException {
    private static final long serialVersionUID = 1L;

    public WebhookException(Envelope envelope) {
        super(envelope);
    }
}
