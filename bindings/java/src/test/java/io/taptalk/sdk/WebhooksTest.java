package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Webhooks.parse on the vendor's sample payloads: typed events, refusals and their statuses. */
class WebhooksTest {
    static final String SECRET = "java-secret";
    static final Map<String, Object> NO_HEADERS = Collections.emptyMap();

    static byte[] sample(String name) throws Exception {
        return Files.readAllBytes(Paths.get("tests/data/webhooks", name));
    }

    static Map<String, Object> secretHeader(Object value) {
        Map<String, Object> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("x-secret-key", value);
        return headers;
    }

    @Test
    void every_vendor_sample_parses_into_its_typed_event() throws Exception {
        WebhookEvent.MessageStatus status = (WebhookEvent.MessageStatus) Webhooks.parse(
                NO_HEADERS, sample("onetalk_integration_message_status.json"), null);
        assertEquals("1111", status.getOrganizationId());
        assertEquals("000000-0000-0000-0000-000000", status.getTrxId());
        assertEquals(1587352926788L, status.getTimestamp());
        assertEquals("onetalk:integration_message_status:000000-0000-0000-0000-000000:acknowledge|delivered|read|failed", status.getKey());
        assertFalse(status.isVerified());

        WebhookEvent.CaseResolved c = (WebhookEvent.CaseResolved) Webhooks.parse(NO_HEADERS, sample("onetalk_case_resolved.json"), null);
        assertEquals("958CCF3BB6", c.getCaseId());
        assertEquals("1", c.getTopicId());
        assertEquals(1615305000000L, c.getResolvedTime());
        assertFalse(c.isJunk());

        WebhookEvent.ChatbotMessage m = (WebhookEvent.ChatbotMessage) Webhooks.parse(
                secretHeader(SECRET), sample("chatbot_text.json"), SECRET);
        assertEquals("FBED34A1EF", m.getCaseId());
        assertEquals("Hello world", m.getText());
        assertEquals("62851234567890", m.getSenderPhone());
        assertTrue(m.isVerified());
        WebhookEvent video = Webhooks.parse(secretHeader(SECRET), sample("chatbot_video_as_image.json"), SECRET);
        assertEquals("https://example.com/video.mp4", video.get("/message/video/url"));
        assertNull(video.get("/message/image"));

        WebhookEvent.ChannelCaseClosed closed = (WebhookEvent.ChannelCaseClosed) Webhooks.parse(
                secretHeader(SECRET), sample("channel_case_closed.json"), SECRET);
        assertEquals("chat-1", closed.getChatId());
        WebhookEvent.ChannelMessage channel = (WebhookEvent.ChannelMessage) Webhooks.parse(
                secretHeader(Arrays.asList(SECRET)), sample("channel_message.json"), SECRET);
        assertEquals("Hello from OneTalk", channel.getText());
        WebhookEvent.PowerTalkMessage pt = (WebhookEvent.PowerTalkMessage) Webhooks.parse(
                NO_HEADERS, sample("powertalk_message.json"), null);
        assertEquals("7", pt.getSenderUserId());
        assertEquals(1001L, pt.getMessageType());
    }

    @Test
    void unknown_types_pass_through_as_plain_events() {
        byte[] body = "{\"type\": \"case_created\", \"organizationID\": 3, \"caseCreated\": {\"x\": [1]}}"
                .getBytes(StandardCharsets.UTF_8);
        WebhookEvent event = Webhooks.parse(NO_HEADERS, body, null);
        assertEquals(WebhookEvent.class, event.getClass());
        assertFalse(event.isKnown());
        assertEquals("case_created", event.getType());
        assertEquals("[1]", event.get("/caseCreated/x"));
        assertEquals("3", event.get("/organizationID"), "untouched: still a number");
    }

    @Test
    void refusals_throw_with_the_status_to_answer() throws Exception {
        WebhookSecretException wrong = assertThrows(WebhookSecretException.class,
                () -> Webhooks.parse(secretHeader("forged"), sample("chatbot_text.json"), SECRET));
        assertEquals(401, wrong.getStatus());
        assertEquals("93002", wrong.getCode());
        assertFalse(wrong.getMessage().contains("forged") || wrong.getMessage().contains(SECRET));
        assertEquals("93001", assertThrows(WebhookSecretException.class,
                () -> Webhooks.parse(NO_HEADERS, sample("chatbot_text.json"), SECRET)).getCode());
        assertEquals("93002", assertThrows(WebhookSecretException.class,
                () -> Webhooks.parse(secretHeader(new String[] {SECRET, SECRET}), sample("chatbot_text.json"), SECRET)).getCode());
        assertEquals(500, assertThrows(WebhookSecretException.class,
                () -> Webhooks.parse(NO_HEADERS, sample("chatbot_text.json"), null)).getStatus());
        WebhookException big = assertThrows(WebhookException.class,
                () -> Webhooks.parse(NO_HEADERS, sample("onetalk_case_resolved.json"), null, 10));
        assertEquals(413, big.getStatus());
        assertEquals("93004", assertThrows(WebhookException.class,
                () -> Webhooks.parse(NO_HEADERS, "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8), null)).getCode());
        assertEquals("93004", assertThrows(WebhookException.class,
                () -> Webhooks.parse(NO_HEADERS, null, null)).getCode());
        Envelope raw = Webhooks.parseRaw(NO_HEADERS, "[]".getBytes(StandardCharsets.UTF_8), null, 0);
        assertEquals(400, raw.getStatus());
        assertEquals("93004", raw.getCode());
    }
}
