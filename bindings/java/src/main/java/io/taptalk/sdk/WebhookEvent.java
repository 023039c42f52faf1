package io.taptalk.sdk;

/**
 * A parsed webhook: which callback it is, its event type, a stable key, and its fields
 * normalised by the native library (ids as strings, times as Unix milliseconds). Known events
 * come as a subclass with typed getters; every event can be read by JSON Pointer with
 * {@link #get(String)}, unknown fields included.
 */
public class WebhookEvent {
    private final Envelope envelope;
    private final String callback;
    private final String type;
    private final String key;
    private final boolean known;
    private final boolean verified;

    WebhookEvent(Envelope envelope) {
        this.envelope = envelope;
        this.callback = data(envelope, "/data/callback");
        this.type = data(envelope, "/data/type");
        this.key = data(envelope, "/data/key");
        this.known = "true".equals(data(envelope, "/data/known"));
        this.verified = "true".equals(data(envelope, "/data/verified"));
    }

    static WebhookEvent of(Envelope envelope) {
        WebhookEvent plain = new WebhookEvent(envelope);
        if (!plain.known) {
            return plain;
        }
        switch (plain.callback + " " + plain.type) {
            case "onetalk integration_message_status": return new MessageStatus(envelope);
            case "onetalk case_resolved": return new CaseResolved(envelope);
            case "chatbot message": return new ChatbotMessage(envelope);
            case "channel message": return new ChannelMessage(envelope);
            case "channel case_closed": return new ChannelCaseClosed(envelope);
            case "powertalk message": return new PowerTalkMessage(envelope);
            default: return plain;
        }
    }

    private static String data(Envelope envelope, String pointer) {
        String value = Native.replyGet(envelope.getJson(), pointer);
        return value == null ? "" : value;
    }

    /** "onetalk", "chatbot", "channel" or "powertalk". */
    public String getCallback() { return callback; }
    /** The event type: "integration_message_status", "case_resolved", "message", ... */
    public String getType() { return type; }
    /** A stable key of this event: skip an event whose key you have handled. */
    public String getKey() { return key; }
    /** Whether the library knows this type (then its fields are normalised and typed). */
    public boolean isKnown() { return known; }
    /** Whether X-Secret-Key was checked against a secret. */
    public boolean isVerified() { return verified; }
    /** The event as JSON text (vendor field names). */
    public String getEventJson() { return data(envelope, "/data/event"); }
    /** The whole envelope. */
    public Envelope getEnvelope() { return envelope; }

    /** A value of the event by JSON Pointer below it ("/integrationMessageStatus/status"), or null. */
    public String get(String pointer) {
        return Native.replyGet(envelope.getJson(), "/data/event" + pointer);
    }

    String text(String pointer) {
        String value = get(pointer);
        return value == null ? "" : value;
    }

    long number(String pointer) {
        try {
            return Long.parseLong(text(pointer));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** OneTalk integration_message_status: acknowledge, delivered, read or failed. */
    public static final class MessageStatus extends WebhookEvent {
        MessageStatus(Envelope envelope) { super(envelope); }
        public String getOrganizationId() { return text("/organizationID"); }
        public String getTrxId() { return text("/integrationMessageStatus/trxID"); }
        public String getStatus() { return text("/integrationMessageStatus/status"); }
        public long getTimestamp() { return number("/integrationMessageStatus/timestamp"); }
        public String getChannelId() { return text("/integrationMessageStatus/channelID"); }
        public String getChannelType() { return text("/integrationMessageStatus/channelType"); }
        public String getContactPhone() { return text("/integrationMessageStatus/contactPhone"); }
        public String getReason() { return text("/integrationMessageStatus/reason"); }
    }

    /** OneTalk case_resolved. Times are Unix milliseconds (0: not set). */
    public static final class CaseResolved extends WebhookEvent {
        CaseResolved(Envelope envelope) { super(envelope); }
        public String getOrganizationId() { return text("/organizationID"); }
        public String getCaseId() { return text("/caseResolved/caseID"); }
        public String getChannelType() { return text("/caseResolved/channelType"); }
        public String getChannelId() { return text("/caseResolved/channelID"); }
        public String getTopicId() { return text("/caseResolved/topicID"); }
        public String getTopicName() { return text("/caseResolved/topicName"); }
        public String getAssigneeType() { return text("/caseResolved/assigneeType"); }
        public String getAgentEmail() { return text("/caseResolved/agentEmail"); }
        public String getAgentFullName() { return text("/caseResolved/agentFullName"); }
        public String getChatbotId() { return text("/caseResolved/chatbotID"); }
        public boolean isJunk() { return "true".equals(text("/caseResolved/isJunk")); }
        public String getAgentRemark() { return text("/caseResolved/agentRemark"); }
        public long getCreatedTime() { return number("/caseResolved/createdTime"); }
        public long getFirstResponseTime() { return number("/caseResolved/firstResponseTime"); }
        public long getResolvedTime() { return number("/caseResolved/resolvedTime"); }
    }

    /** A customer's message to a custom chatbot; answer with {@code chatbotSendMessages}. */
    public static final class ChatbotMessage extends WebhookEvent {
        ChatbotMessage(Envelope envelope) { super(envelope); }
        public String getCaseId() { return text("/caseID"); }
        public String getChannelType() { return text("/channelType"); }
        public String getChannelId() { return text("/channelID"); }
        public String getSenderPhone() { return text("/sender/phone"); }
        public String getSenderCustomerUserId() { return text("/sender/customerUserID"); }
        public String getSenderName() { return text("/sender/contactName"); }
        public String getMessageId() { return text("/message/id"); }
        public String getMessageType() { return text("/message/type"); }
        /** The text body (or a WhatsApp button's title); "" for other types. */
        public String getText() { return text("/message/text/body"); }
        public long getTimestamp() { return number("/message/timestamp"); }
    }

    /** A message for a custom channel to deliver to a chat. */
    public static final class ChannelMessage extends WebhookEvent {
        ChannelMessage(Envelope envelope) { super(envelope); }
        public String getChatId() { return text("/message/chatID"); }
        public String getMessageType() { return text("/message/type"); }
        public String getText() { return text("/message/text/body"); }
        public String getReplyToMessageId() { return text("/message/replyToMessageID"); }
        public String getCustomData() { return text("/message/customData"); }
    }

    /** A custom channel's chat had its case closed. */
    public static final class ChannelCaseClosed extends WebhookEvent {
        ChannelCaseClosed(Envelope envelope) { super(envelope); }
        public String getChatId() { return text("/caseClosed/chatID"); }
        public String getCaseId() { return text("/caseClosed/caseID"); }
    }

    /** A PowerTalk chat message (message type 1001 text, 1002 image, ...). */
    public static final class PowerTalkMessage extends WebhookEvent {
        PowerTalkMessage(Envelope envelope) { super(envelope); }
        public String getMessageId() { return text("/messageID"); }
        public long getMessageType() { return number("/type"); }
        public String getBody() { return text("/body"); }
        public String getData() { return text("/data"); }
        public String getRoomId() { return text("/room/roomID"); }
        public String getSenderUserId() { return text("/user/userID"); }
        public String getSenderFullName() { return text("/user/fullname"); }
        public String getRecipientId() { return text("/recipientID"); }
        public long getCreated() { return number("/created"); }
        public long getUpdated() { return number("/updated"); }
    }
}
