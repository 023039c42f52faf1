package io.taptalk.sdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Receiving TapTalk's webhooks: verify {@code X-Secret-Key} and parse the body, in the native
 * library ({@code tt_webhook_parse}).
 *
 * <pre>{@code
 * // a servlet: headers as name -> values, the body as the raw bytes received
 * try {
 *     WebhookEvent event = Webhooks.parse(headers, body, chatbotSecret);
 *     response.setStatus(200);                       // answer first, work afterwards
 *     if (firstTime(event.getKey())) queue.add(event);
 * } catch (WebhookException e) {
 *     response.setStatus(e.getStatus());             // 401 wrong secret, 400, 413
 * }
 * }</pre>
 *
 * Answer 200 at once and do the work afterwards: TapTalk waits for the reply, retries a
 * callback that is slow or not 2xx, and holds the callbacks queued behind it. TapTalk promises
 * neither one delivery nor order: skip an event whose {@link WebhookEvent#getKey()} you have
 * handled. Thread-safe; needs no client.
 */
public final class Webhooks {
    /** The header TapTalk sets on the calls it makes to a chatbot or custom channel URL. */
    public static final String SECRET_HEADER = "X-Secret-Key";

    private Webhooks() {}

    /**
     * Verifies and parses one webhook.
     *
     * @param headers the request's headers: name to a String, or to a List/array of Strings
     *     for a repeated header; names are compared without regard to case
     * @param body the raw body bytes as received
     * @param secret the chatbot's or custom channel's secret (their calls carry
     *     {@code X-Secret-Key}); null for the organisation webhook and PowerTalk
     * @return the typed event ({@link WebhookEvent.MessageStatus}, ...)
     * @throws WebhookSecretException the secret is missing or wrong (status 401), or none was
     *     given for a callback that carries one
     * @throws WebhookException the body is refused; {@link WebhookException#getStatus()} is
     *     the HTTP status to answer with
     */
    public static WebhookEvent parse(Map<String, ?> headers, byte[] body, String secret) {
        return parse(headers, body, secret, 0);
    }

    /** {@link #parse(Map, byte[], String)} with a body limit in bytes (0: the default, 1 MiB). */
    public static WebhookEvent parse(Map<String, ?> headers, byte[] body, String secret, int maxBodyBytes) {
        Envelope reply = parseRaw(headers, body, secret, maxBodyBytes);
        reply.dataOrThrow();
        return WebhookEvent.of(reply);
    }

    /** The whole envelope of {@code tt_webhook_parse}, success or refusal; never throws for a refusal. */
    public static Envelope parseRaw(Map<String, ?> headers, byte[] body, String secret, int maxBodyBytes) {
        String options = maxBodyBytes > 0 ? "{\"max_body_bytes\":" + maxBodyBytes + "}" : null;
        return new Envelope(Native.webhookParse(headersJson(headers), body, secret, options));
    }

    /** The headers as the JSON object the library takes; a repeated name keeps all its values. */
    static String headersJson(Map<String, ?> headers) {
        Map<String, List<String>> merged = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        if (headers != null) {
            for (Map.Entry<String, ?> entry : headers.entrySet()) {
                String name = String.valueOf(entry.getKey());
                String lower = name.toLowerCase(Locale.ROOT);
                if (!names.containsKey(lower)) {
                    names.put(lower, name);
                }
                List<String> values = merged.computeIfAbsent(lower, k -> new ArrayList<>());
                Object value = entry.getValue();
                if (value instanceof Iterable) {
                    for (Object v : (Iterable<?>) value) {
                        values.add(String.valueOf(v));
                    }
                } else if (value instanceof Object[]) {
                    for (Object v : (Object[]) value) {
                        values.add(String.valueOf(v));
                    }
                } else {
                    values.add(String.valueOf(value));
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : merged.entrySet()) {
            List<String> values = entry.getValue();
            out.put(names.get(entry.getKey()), values.size() == 1 ? values.get(0) : values);
        }
        return Json.write(out, "headers");
    }
}
