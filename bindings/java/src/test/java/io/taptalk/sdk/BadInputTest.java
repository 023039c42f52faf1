package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile input through JNI is answered with an envelope, never a crash. */
class BadInputTest {
    static TapTalkClient client;

    @BeforeAll
    static void start() {
        client = new TapTalkClient("{\"sendtalk\": {\"base_url\": \"http://127.0.0.1:9\", \"api_key\": \"k\"}}");
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    private static Envelope raw(String op, String request, String options) {
        return client.callRaw(op, request, options);
    }

    @Test
    void null_strings() {
        assertEquals("90001", raw(null, "{}", null).getCode());
        assertTrue(raw(null, "{}", null).getErrorMessage().contains("operation is NULL"));
        assertEquals("90001", raw("sendtalk_send_whatsapp", null, null).getCode());
        assertTrue(raw("sendtalk_send_whatsapp", null, null).getErrorMessage().contains("request_json is NULL"));
    }

    @Test
    void invalid_json_in_every_form() {
        for (String bad : Arrays.asList("", "{", "[]", "\"s\"", "null", "{\"phone\": }", "{}}")) {
            assertEquals("90002", raw("sendtalk_send_whatsapp", bad, null).getCode(), bad);
        }
        assertEquals("90003", raw("sendtalk_send_whatsapp", "{}", "not json").getCode());
        assertEquals("90003", raw("sendtalk_send_whatsapp", "{}", "{\"nope\": 1}").getCode());
    }

    @Test
    void nested_brackets_stop_at_the_depth_limit() {
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 100000; i++) {
            deep.append('[');
        }
        assertEquals("90002", raw("sendtalk_send_whatsapp", deep.toString(), null).getCode());
    }

    @Test
    void huge_strings() {
        char[] big = new char[8 * 1024 * 1024];
        Arrays.fill(big, 'x');
        String body = new String(big);
        Envelope reply = raw("sendtalk_send_whatsapp", "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"" + body + "\", \"extra\": 1}", null);
        assertEquals("40002", reply.getCode());
        assertEquals("extra", reply.getField());
        assertEquals("90001", raw(body, "{}", null).getCode());
    }

    @Test
    void nul_and_lone_surrogates() {
        Envelope nul = raw("sendtalk_send_whatsapp", "{\"body\": \"a\u0000b\"}", null);
        assertEquals("90001", nul.getCode());
        assertTrue(nul.getErrorMessage().contains("U+0000"), nul.getErrorMessage());
        // A lone surrogate is not valid Unicode; it arrives replaced, and the request is judged.
        Envelope lone = raw("sendtalk_send_whatsapp", "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"\uD800\", \"x\": 1}", null);
        assertEquals("40002", lone.getCode());
        UsageException config = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                () -> new TapTalkClient("{\"sendtalk\": {\"api_key\": \"a\u0000b\"}}"));
        assertEquals("90001", config.getCode());
        assertTrue(config.getErrorMessage().contains("config_json contains U+0000"), config.getErrorMessage());
    }

    @Test
    void a_map_that_cannot_be_written_is_the_documented_usage_exception() {
        java.util.Map<String, Object> cyclic = new java.util.HashMap<>();
        cyclic.put("self", cyclic);
        assertEquals("The request cannot be written as JSON: request is nested more than 128 levels deep (a cycle?)",
                usage(() -> client.sendtalkSendWhatsapp(cyclic)).getErrorMessage());
        java.util.Map<String, Object> odd = new java.util.HashMap<>();
        odd.put("when", new Object());
        assertEquals("The request cannot be written as JSON: cannot write java.lang.Object as JSON",
                usage(() -> client.call("sendtalk_send_whatsapp", odd)).getErrorMessage());
        java.util.Map<String, Object> nan = new java.util.HashMap<>();
        nan.put("limit", Double.NaN);
        assertEquals("The request cannot be written as JSON: JSON has no NaN",
                usage(() -> client.onetalkGetUpdatedCases(nan)).getErrorMessage());
        java.util.Map<String, Object> config = new java.util.HashMap<>();
        config.put("timeout_ms", new Object());
        assertEquals("The configuration cannot be written as JSON: cannot write java.lang.Object as JSON",
                usage(() -> new TapTalkClient(config)).getErrorMessage());
    }

    /** The exception {@code r} throws: a UsageException (never IllegalArgumentException), code 90002, status 400. */
    private static UsageException usage(Runnable r) {
        UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class, r::run);
        assertEquals(UsageException.class, e.getClass());
        assertEquals("90002", e.getCode());
        assertEquals(400, e.getStatus());
        assertEquals("", e.getField());
        return e;
    }
}
