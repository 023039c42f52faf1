package io.taptalk.sdk;

/**
 * The webhook's {@code X-Secret-Key} is missing (93001) or wrong (93002): answer 401; or the
 * callback carries one and no secret was given to check it (93003).
 */
public class WebhookSecretException extends WebhookException {
    private static final long serialVersionUID = 1L;

    public WebhookSecretException(Envelope envelope) {
        super(envelope);
    }
}
