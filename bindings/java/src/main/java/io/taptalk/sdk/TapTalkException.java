package io.taptalk.sdk;

/**
 * A call failed. {@link #getStatus()}, {@link #getCode()}, {@link #getErrorMessage()} and
 * {@link #getField()} are the envelope's; {@link #getEnvelope()} is the whole reply.
 *
 * <pre>{@code
 * try {
 *     client.sendtalkSendWhatsapp(request);
 * } catch (OutcomeUnknownException e) {
 *     // may have been delivered: check with sendtalkGetStatus before sending again
 * } catch (ValidationException e) {
 *     System.err.println("bad field " + e.getField());
 * }
 * }</pre>
 *
 * The hierarchy mirrors the Python package's errors ({@code bindings/python/taptalk/errors.py}):
 * <pre>
 * TapTalkException
 * +-- ValidationException       40002: a request field is missing or invalid (field names it)
 * +-- AuthException             40001, 401xx, 403xx, 491xx: key missing, invalid, not found...
 * +-- NotFoundException         40401, or status 404
 * +-- TierException             499xx: the OneTalk organisation's tier does not allow it
 * +-- ServerException           5xxxx, 99999 or status &gt;= 500 from the server itself
 * +-- UsageException            90001, 90002: the library was called wrongly
 * |   +-- ConfigException       90003: the configuration was refused (field names the key)
 * |   +-- ClientClosedException 90005: the client was closed before the call
 * +-- InternalException         90004: a bug inside the native library (please report)
 * +-- PaginationException       92001: the case cursor cannot progress (nothing skipped)
 * +-- TransportException        91xxx: the request did not complete on the wire
 *     +-- TapTalkTimeoutException  91001; MAY have been delivered
 *     +-- ConnectException         91002: nothing was sent
 *     +-- ConnectionLostException  91003: MAY have been delivered
 *     +-- TlsException             91004
 *     +-- RedirectException        91005: redirects are never followed
 *     +-- InvalidReplyException    91006
 *     +-- TruncatedReplyException  91007
 *     +-- HttpStatusException      91008
 *     +-- ReplyTooLargeException   91009
 *     +-- OutcomeUnknownException  91010: a send MAY have been delivered and was not retried
 *     +-- ProxyException           91011: the proxy failed or refused; nothing was sent
 *     +-- CancelledException       91012: the call was cancelled (data.maybe_sent)
 * </pre>
 *
 * Unchecked, like the exceptions of most Android and Kotlin-facing APIs.
 */
public class TapTalkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Envelope envelope;

    public TapTalkException(Envelope envelope) {
        super(describe(envelope));
        this.envelope = envelope;
    }

    /** The envelope's {@code status} (400, 404, 499, ... or the library's own). */
    public int getStatus() {
        return envelope.getStatus();
    }

    /** {@code error.code}, e.g. {@code "40002"}. */
    public String getCode() {
        return envelope.getCode();
    }

    /** {@code error.message}, a sentence meant for people ({@link #getMessage()} adds the code and field). */
    public String getErrorMessage() {
        return envelope.getErrorMessage();
    }

    /**
     * {@code error.field}: the field at fault (SendTalk/OneTalk use the field's name, PowerTalk
     * the bracketed number from its request table, e.g. {@code "107"}), or "".
     */
    public String getField() {
        return envelope.getField();
    }

    /** The whole reply. */
    public Envelope getEnvelope() {
        return envelope;
    }

    /** False unless a {@link TransportException} says the request may have reached the server. */
    public boolean isMaybeDelivered() {
        return false;
    }

    private static String describe(Envelope envelope) {
        String message = envelope.getErrorMessage();
        StringBuilder text = new StringBuilder();
        if (!envelope.getCode().isEmpty()) {
            text.append('[').append(envelope.getCode()).append("] ");
        }
        text.append(message.isEmpty() ? "(no message)" : message);
        if (!envelope.getField().isEmpty()) {
            text.append(" (field: ").append(envelope.getField()).append(')');
        }
        return text.toString();
    }

    /** The exception for a failed envelope (does not check that it failed). */
    public static TapTalkException of(Envelope envelope) {
        String code = envelope.getCode();
        int status = envelope.getStatus();
        switch (code) {
            case "40001": return new AuthException(envelope);
            case "40002": return new ValidationException(envelope);
            case "40401": return new NotFoundException(envelope);
            case "90001":
            case "90002": return new UsageException(envelope);
            case "90003": return new ConfigException(envelope);
            case "90004": return new InternalException(envelope);
            case "90005": return new ClientClosedException(envelope);
            case "91001": return new TapTalkTimeoutException(envelope);
            case "91002": return new ConnectException(envelope);
            case "91003": return new ConnectionLostException(envelope);
            case "91004": return new TlsException(envelope);
            case "91005": return new RedirectException(envelope);
            case "91006": return new InvalidReplyException(envelope);
            case "91007": return new TruncatedReplyException(envelope);
            case "91008": return new HttpStatusException(envelope);
            case "91009": return new ReplyTooLargeException(envelope);
            case "91010": return new OutcomeUnknownException(envelope);
            case "91011": return new ProxyException(envelope);
            case "91012": return new CancelledException(envelope);
            case "92001": return new PaginationException(envelope);
            case "93001":
            case "93002":
            case "93003": return new WebhookSecretException(envelope);
            case "93004":
            case "93005":
            case "93006":
            case "93007": return new WebhookException(envelope);
            default: break;
        }
        // A chatbot action OneTalk refused in plain text: judged by its HTTP status.
        if (code.equals("93010") && (status == 401 || status == 403)) {
            return new AuthException(envelope);
        }
        if (code.equals("93010") && status == 400) {
            return new ValidationException(envelope);
        }
        if (code.startsWith("91")) {
            return new TransportException(envelope);
        }
        if (code.startsWith("90")) {
            return new UsageException(envelope);
        }
        if (code.startsWith("401") || code.startsWith("403") || code.startsWith("491")) {
            return new AuthException(envelope);
        }
        if (code.startsWith("404") || status == 404) {
            return new NotFoundException(envelope);
        }
        if (code.startsWith("499") || status == 499) {
            return new TierException(envelope);
        }
        if (code.startsWith("400")) {
            return new ValidationException(envelope);
        }
        if (code.startsWith("5") || code.equals("99999") || status >= 500) {
            return new ServerException(envelope);
        }
        return new TapTalkException(envelope);
    }
}
