package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Raw requests (tt_request) through TapTalkClient.request / requestRaw. */
class RequestTest extends SandboxTest {
    @Test
    void post_sends_the_body_as_written_and_returns_data() throws Exception {
        String path = "/api/v1/message/check_whatsapp_phone";
        String data = client.request("sendtalk", "POST", path, "{\"phone\": \"6281212345678\"}");
        assertTrue(data.contains("\"isRegistered\":true"), data);
        String seen = sandbox.get("/_sandbox/requests?path=" + path);
        assertEquals(Collections.singletonList(path), Sandbox.strings(seen, "path"));
        assertEquals(Collections.singletonList("POST"), Sandbox.strings(seen, "method"));
        assertTrue(seen.contains("\"body\":{\"phone\":\"6281212345678\"}"), seen);
    }

    @Test
    void get_turns_the_json_into_the_query_and_retry_options_apply() throws Exception {
        String path = "/api/integration/v1/inbox/case/get_updated_list";
        String data = client.request("onetalk", "GET", path, "{\"since_timestamp\": 0, \"limit\": 10}",
                "{\"retry\": {\"max_attempts\": 1}}");
        assertTrue(data.startsWith("{\"cases\":[]"), data);
        String seen = sandbox.get("/_sandbox/requests?path=" + path);
        assertEquals(Collections.singletonList("GET"), Sandbox.strings(seen, "method"));
        assertEquals(Collections.singletonList("limit=10&since_timestamp=0"), Sandbox.strings(seen, "query"));
    }

    @Test
    void a_path_that_could_leave_the_host_is_refused_before_sending() throws Exception {
        for (String path : Arrays.asList("https://evil.example/x", "//evil.example/x", "/api/../_sandbox/reset")) {
            ValidationException e = assertThrows(ValidationException.class,
                    () -> client.request("sendtalk", "POST", path, "{}"));
            assertEquals("40002", e.getCode());
            assertEquals("path", e.getField());
            Envelope raw = client.requestRaw("sendtalk", "POST", path, "{}");
            assertEquals(400, raw.getStatus());
            assertEquals("path", raw.getField());
        }
        assertEquals(Collections.emptyList(), Sandbox.strings(sandbox.get("/_sandbox/requests"), "path"));
    }

    @Test
    void unknown_product_and_method_are_named() {
        Envelope product = client.requestRaw("whatstalk", "POST", "/x", null);
        assertEquals(Arrays.asList("40002", "product"), Arrays.asList(product.getCode(), product.getField()));
        Envelope method = client.requestRaw("sendtalk", "DELETE", "/x", null);
        assertEquals(Arrays.asList("40002", "method"), Arrays.asList(method.getCode(), method.getField()));
        assertThrows(UsageException.class, () -> client.request("sendtalk", "POST", "/x", "{not json"));
    }

    @Test
    void a_closed_client_refuses_without_sending() throws Exception {
        TapTalkClient closed = new TapTalkClient(sandbox.config());
        closed.close();
        assertThrows(ClientClosedException.class,
                () -> closed.request("sendtalk", "POST", "/api/v1/message/check_whatsapp_phone", "{}"));
        Envelope raw = closed.requestRaw("sendtalk", "POST", "/api/v1/message/check_whatsapp_phone", "{}");
        assertEquals(400, raw.getStatus());
        assertEquals("90005", raw.getCode());
        assertEquals("The client is closed", raw.getErrorMessage());
        assertEquals(Collections.emptyList(), Sandbox.strings(sandbox.get("/_sandbox/requests"), "path"));
    }
}
