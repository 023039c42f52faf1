package io.taptalk.sdk;

/**
 * One reply, as TapTalk shapes every answer:
 * {@code {"status":..,"error":{"code":..,"message":..,"field":..},"data":{..}}}.
 *
 * <pre>{@code
 * Envelope reply = client.callRaw("sendtalk_get_status", "{\"id\": \"...\"}");
 * if (reply.isSuccess()) System.out.println(reply.getData());
 * }</pre>
 *
 * {@link #getJson()} is the text exactly as the server sent it (or the library's own envelope
 * for a local failure); the other parts were read from it by the native core.
 */
public final class Envelope {
    private final String json;
    private final int status;
    private final String code;
    private final String message;
    private final String field;
    private final String data;

    Envelope(String[] parts) {
        this.json = parts[0];
        this.status = parseStatus(parts[1]);
        this.code = parts[2];
        this.message = parts[3];
        this.field = parts[4];
        this.data = parts[5];
    }

    private static int parseStatus(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Builds an envelope on the Java side (used for {@link ClientClosedException}). */
    static Envelope local(int status, String code, String message) {
        String json = "{\"status\":" + status + ",\"error\":{\"code\":" + Json.quote(code)
                + ",\"message\":" + Json.quote(message) + ",\"field\":\"\"},\"data\":{}}";
        return new Envelope(new String[] {json, Integer.toString(status), code, message, "", "{}"});
    }

    /** The whole envelope's JSON text. */
    public String getJson() {
        return json;
    }

    /** {@code status}: 200 on success. */
    public int getStatus() {
        return status;
    }

    /** {@code error.code}: empty on success. */
    public String getCode() {
        return code;
    }

    /** {@code error.message}. */
    public String getErrorMessage() {
        return message;
    }

    /** {@code error.field}: the field at fault, in the product's convention. */
    public String getField() {
        return field;
    }

    /** {@code data} as JSON text ({@code "null"} when absent). */
    public String getData() {
        return data;
    }

    /** Success is status 200 with an empty error code. */
    public boolean isSuccess() {
        return status == 200 && code.isEmpty();
    }

    /**
     * Whether the request this envelope answers may have reached the server and taken effect
     * (for a send: may have been delivered), so that repeating it blindly could repeat it:
     * true for a success, for 91012 with {@code data.maybe_sent} true and for the transport
     * failures that say so (91001, 91003, 91006-91010); false for a refusal (the server's or
     * a local one) and for failures before anything was written.
     */
    public boolean isMaybeDelivered() {
        return isSuccess() || TapTalkException.of(this).isMaybeDelivered();
    }

    /** Returns {@link #getData()} on success, else throws the matching {@link TapTalkException}. */
    public String dataOrThrow() {
        if (!isSuccess()) {
            throw TapTalkException.of(this);
        }
        return data;
    }

    @Override
    public String toString() {
        return json;
    }
}
