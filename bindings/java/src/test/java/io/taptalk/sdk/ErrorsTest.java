package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each kind of failure, produced for real where this machine can, raises its exception. */
class ErrorsTest {
    static final String SEND = "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"hi\"}";
    static Sandbox sandbox;
    static TapTalkClient client;

    @BeforeAll
    static void start() throws Exception {
        sandbox = new Sandbox();
        client = new TapTalkClient(sandbox.config("\"timeout_ms\": 1000, \"retry\": {\"max_attempts\": 1}"));
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        sandbox.close();
    }

    @BeforeEach
    void reset() throws Exception {
        sandbox.post("/_sandbox/reset", "{}");
    }

    private static <T extends TapTalkException> T fails(Class<T> type, TapTalkClient c, String op, String request) {
        T e = assertThrows(type, () -> c.call(op, request));
        assertSame(type, e.getClass(), e.toString());
        // The raw form answers the same envelope without throwing.
        Envelope raw = c.callRaw(op, request);
        assertFalse(raw.isSuccess());
        return e;
    }

    @Test
    void validation_names_the_field() {
        ValidationException e = fails(ValidationException.class, client, "sendtalk_send_whatsapp",
                "{\"phone\": \"+6281\", \"messageType\": \"text\", \"body\": \"hi\"}");
        assertEquals(400, e.getStatus());
        assertEquals("40002", e.getCode());
        assertEquals("phone", e.getField());
        assertTrue(e.getMessage().startsWith("[40002] "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(field: phone)"), e.getMessage());
        assertEquals(e.getEnvelope().getJson(), client.callRaw("sendtalk_send_whatsapp",
                "{\"phone\": \"+6281\", \"messageType\": \"text\", \"body\": \"hi\"}").getJson());
    }

    @Test
    void powertalk_fields_are_numbers() {
        ValidationException e = fails(ValidationException.class, client, "powertalk_send_custom_message",
                "{\"messageType\": 1001, \"body\": \"x\", \"recipientXCUserID\": \"2\"}");
        assertEquals("107", e.getField());
    }

    @Test
    void an_unconfigured_product_and_a_wrong_key_are_auth_errors() throws Exception {
        try (TapTalkClient onlyOneTalk = new TapTalkClient("{\"onetalk\": {\"base_url\": \"" + sandbox.url + "\", \"api_key\": \"x\"}}")) {
            AuthException missing = fails(AuthException.class, onlyOneTalk, "sendtalk_send_whatsapp", SEND);
            assertEquals("40001", missing.getCode());
            AuthException wrong = fails(AuthException.class, onlyOneTalk, "onetalk_get_updated_cases", "{\"since_timestamp\": 0}");
            assertEquals("49103", wrong.getCode());
            assertEquals(401, wrong.getStatus());
        }
    }

    @Test
    void unknown_message_is_not_found() {
        NotFoundException e = fails(NotFoundException.class, client, "sendtalk_get_status", "{\"id\": \"missing\"}");
        assertEquals("40401", e.getCode());
        assertEquals(404, e.getStatus());
    }

    @Test
    void tiers() throws Exception {
        sandbox.post("/_sandbox/settings", "{\"onetalk_tier\": \"none\"}");
        assertEquals("49900", fails(TierException.class, client, "onetalk_get_updated_cases", "{\"since_timestamp\": 0}").getCode());
        sandbox.post("/_sandbox/settings", "{\"onetalk_tier\": \"feature_missing\"}");
        assertEquals("49901", fails(TierException.class, client, "onetalk_update_case", "{\"caseID\": \"x\", \"isJunk\": true}").getCode());
    }

    @Test
    void a_server_failure_envelope_is_a_server_error() throws Exception {
        sandbox.post("/_sandbox/faults", "{\"path\": \"/api/v1/message/get_status\", \"count\": 2, \"kind\": \"status\", \"status\": 503}");
        ServerException e = fails(ServerException.class, client, "sendtalk_get_status", "{\"id\": \"x\"}");
        assertEquals("99999", e.getCode());
    }

    @Test
    void an_html_error_page_is_an_http_status_error() throws Exception {
        sandbox.post("/_sandbox/faults", "{\"path\": \"/api/v1/message/get_status\", \"count\": 2, \"kind\": \"status\", \"status\": 502, \"body\": \"<html>bad gateway</html>\"}");
        HttpStatusException e = fails(HttpStatusException.class, client, "sendtalk_get_status", "{\"id\": \"x\"}");
        assertEquals("91008", e.getCode());
        assertEquals(502, e.getStatus());
        assertTrue(e.isMaybeDelivered());
    }

    @Test
    void usage_errors() {
        assertEquals("90001", fails(UsageException.class, client, "sendtalk_send_whatsapp", null).getCode());
        assertEquals("90002", fails(UsageException.class, client, "sendtalk_send_whatsapp", "{not json").getCode());
        assertEquals("90001", fails(UsageException.class, client, "sendtalk_no_such_thing", "{}").getCode());
        ConfigException badOption = assertThrows(ConfigException.class,
                () -> client.call("sendtalk_get_status", "{\"id\": \"x\"}", "{\"retry\": {\"max_attempts\": 0}}"));
        assertEquals("retry.max_attempts", badOption.getField());
    }

    @Test
    void a_refused_config_names_the_key_and_never_the_value() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new TapTalkClient("{\"sendtalk\": {\"api_key\": \"secret-value\\r\\nX-Evil: 1\"}}"));
        assertEquals("90003", e.getCode());
        assertEquals("sendtalk.api_key", e.getField());
        assertFalse(e.getEnvelope().getJson().contains("secret-value"));
        assertEquals("90003", assertThrows(ConfigException.class, () -> new TapTalkClient("{\"timeout\": 1}")).getCode());
        assertEquals("90001", assertThrows(UsageException.class, () -> new TapTalkClient((String) null)).getCode());
    }

    @Test
    void a_read_that_times_out_is_a_timeout_and_a_send_is_outcome_unknown() throws Exception {
        sandbox.post("/_sandbox/faults", "{\"path\": \"/api/v1/message/get_status\", \"kind\": \"delay\", \"delay_ms\": 1500}");
        TapTalkTimeoutException timeout = assertThrows(TapTalkTimeoutException.class, () -> client.sendtalkGetStatus("{\"id\": \"x\"}"));
        assertEquals("91001", timeout.getCode());
        assertTrue(timeout.isMaybeDelivered());
        sandbox.post("/_sandbox/faults", "{\"path\": \"/api/v1/message/send_whatsapp\", \"kind\": \"delay\", \"delay_ms\": 1500}");
        OutcomeUnknownException unknown = assertThrows(OutcomeUnknownException.class, () -> client.sendtalkSendWhatsapp(SEND));
        assertEquals("91010", unknown.getCode());
        assertTrue(unknown instanceof TransportException);
        assertTrue(unknown.isMaybeDelivered());
    }

    @Test
    void a_reset_after_the_send_is_outcome_unknown_and_after_a_read_connection_lost() throws Exception {
        sandbox.post("/_sandbox/faults", "{\"path\": \"/api/v1/message/send_whatsapp\", \"kind\": \"reset_after_read\"}");
        assertEquals("91010", assertThrows(OutcomeUnknownException.class, () -> client.sendtalkSendWhatsapp(SEND)).getCode());
        sandbox.post("/_sandbox/faults", "{\"path\": \"/api/v1/message/get_status\", \"kind\": \"reset_after_read\"}");
        assertEquals("91003", assertThrows(ConnectionLostException.class, () -> client.sendtalkGetStatus("{\"id\": \"x\"}")).getCode());
    }

    @Test
    void refused_connection_tls_to_plain_http_and_an_oversized_reply() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        try (TapTalkClient refused = new TapTalkClient("{\"sendtalk\": {\"base_url\": \"http://127.0.0.1:" + closedPort + "\", \"api_key\": \"k\"}}")) {
            ConnectException e = assertThrows(ConnectException.class, () -> refused.sendtalkSendWhatsapp(SEND));
            assertFalse(e.isMaybeDelivered());
        }
        // A server that answers a TLS ClientHello in plain HTTP: the handshake fails.
        try (ServerSocket plain = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (java.net.Socket s = plain.accept()) {
                    s.getInputStream().read(new byte[512]);
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes("US-ASCII"));
                } catch (java.io.IOException e) {
                    // the client went away
                }
            });
            server.start();
            String https = "https://127.0.0.1:" + plain.getLocalPort();
            try (TapTalkClient tls = new TapTalkClient("{\"sendtalk\": {\"base_url\": \"" + https + "\", \"api_key\": \"k\"},"
                    + " \"timeout_ms\": 3000, \"retry\": {\"max_attempts\": 1}}")) {
                TlsException e = assertThrows(TlsException.class, () -> tls.sendtalkGetStatus("{\"id\": \"x\"}"));
                assertEquals("91004", e.getCode());
                assertFalse(e.isMaybeDelivered());
            }
            server.join();
        }
        try (TapTalkClient small = new TapTalkClient(sandbox.config("\"max_response_bytes\": 16"))) {
            assertEquals("91009", assertThrows(ReplyTooLargeException.class, () -> small.sendtalkGetStatus("{\"id\": \"x\"}")).getCode());
        }
    }

    @Test
    void every_code_maps_to_its_class() {
        Object[][] table = {
            {"40001", 400, AuthException.class}, {"40002", 400, ValidationException.class},
            {"40401", 404, NotFoundException.class}, {"49102", 401, AuthException.class},
            {"49106", 401, AuthException.class}, {"40300", 403, AuthException.class},
            {"49900", 499, TierException.class}, {"49901", 499, TierException.class},
            {"50001", 500, ServerException.class}, {"99999", 500, ServerException.class},
            {"90001", 400, UsageException.class}, {"90002", 400, UsageException.class},
            {"90003", 400, ConfigException.class}, {"90004", 500, InternalException.class},
            {"91001", 504, TapTalkTimeoutException.class}, {"91002", 502, ConnectException.class},
            {"91003", 502, ConnectionLostException.class}, {"91004", 502, TlsException.class},
            {"91005", 502, RedirectException.class}, {"91006", 502, InvalidReplyException.class},
            {"91007", 502, TruncatedReplyException.class}, {"91008", 503, HttpStatusException.class},
            {"91009", 502, ReplyTooLargeException.class}, {"91010", 504, OutcomeUnknownException.class},
            {"91999", 502, TransportException.class}, {"90999", 400, UsageException.class},
            {"40099", 400, ValidationException.class}, {"", 404, NotFoundException.class},
            {"12345", 418, TapTalkException.class},
        };
        for (Object[] row : table) {
            Envelope envelope = new Envelope(new String[] {"{}", row[1].toString(), (String) row[0], "m", "f", "{}"});
            assertSame(row[2], TapTalkException.of(envelope).getClass(), (String) row[0]);
        }
        assertTrue(new OutcomeUnknownException(Envelope.local(504, "91010", "m")).isMaybeDelivered());
        assertFalse(new ConnectException(Envelope.local(502, "91002", "m")).isMaybeDelivered());
    }
}
