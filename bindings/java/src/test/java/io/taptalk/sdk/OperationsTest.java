package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every operation against the sandbox, each checked against the sandbox's own record. */
class OperationsTest extends SandboxTest {
    @Test
    void library_is_the_one_built_here() {
        assertEquals("0.1.0", TapTalk.version());
        assertEquals(1, TapTalk.abiVersion());
        assertTrue(TapTalk.librarySource().endsWith("libtaptalk.so"), TapTalk.librarySource());
    }

    @Test
    void powertalk_send_custom_message_stores_the_message() throws Exception {
        String data = client.powertalkSendCustomMessage("{\"messageType\": 1001, \"body\": \"hello from java\","
                + " \"senderXCUserID\": \"1\", \"recipientXCUserID\": \"2\"}");
        assertEquals(32, Sandbox.string(data, "localID").length());
        String stored = sandbox.get("/_sandbox/powertalk/messages");
        assertEquals(Collections.singletonList("hello from java"), Sandbox.strings(stored, "body"));
    }

    @Test
    void powertalk_sync_contacts_counts_as_the_server_does() throws Exception {
        Map<String, Object> pair = new LinkedHashMap<>();
        pair.put("ownerXCUserID", "1");
        pair.put("contactXCUserID", "2");
        pair.put("isDeleted", false);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("contacts", Collections.singletonList(pair));
        String data = client.powertalkSyncContacts(request);
        assertTrue(data.contains("\"countInserted\":1"), data);
        assertTrue(data.contains("\"countDeleted\":0"), data);
        assertEquals(Collections.singletonList("2"), Sandbox.strings(sandbox.get("/_sandbox/powertalk/contacts"), "contactXCUserID"));
    }

    @Test
    void sendtalk_send_then_get_status() throws Exception {
        String sent = client.sendtalkSendWhatsapp("{\"phone\": \"6281212345678\", \"messageType\": \"otp\", \"body\": \"Your code is 1234\"}");
        String id = Sandbox.string(sent, "id");
        assertTrue(sent.contains("\"success\":true"), sent);
        String status = client.sendtalkGetStatus("{\"id\": \"" + id + "\"}");
        assertEquals("sent", Sandbox.string(status, "status"));
        assertEquals(Collections.singletonList(id), Sandbox.strings(sandbox.get("/_sandbox/sendtalk/messages"), "id"));
    }

    @Test
    void onetalk_send_opens_a_case_which_the_list_and_update_see() throws Exception {
        String sent = client.onetalkSendWhatsapp("{\"channelID\": \"1\", \"phone\": \"6281212345678\","
                + " \"messageType\": \"text\", \"body\": \"hi\", \"withCase\": true, \"topicID\": 1}");
        String caseId = Sandbox.string(sent, "caseID");
        assertEquals(10, caseId.length());
        String listed = client.onetalkGetUpdatedCases("{\"since_timestamp\": 0, \"limit\": 10}");
        assertTrue(listed.contains("\"id\":\"" + caseId + "\""), listed);
        String updated = client.onetalkUpdateCase("{\"caseID\": \"" + caseId + "\", \"agentRemark\": \"vip\"}");
        assertEquals("Case updated successfully", Sandbox.string(updated, "message"));
        assertTrue(sandbox.get("/_sandbox/onetalk/cases").contains("\"agentRemark\":\"vip\""));
    }

    @Test
    void onetalk_send_template() throws Exception {
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("name", "1");
        part.put("value", "Budi");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("body", Collections.singletonList(part));
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("channelID", "1");
        request.put("phoneNumberID", "2");
        request.put("phone", "6281212345678");
        request.put("templateName", "welcome");
        request.put("languageCode", "id");
        request.put("parameters", parameters);
        String data = client.onetalkSendWhatsappTemplate(request);
        assertTrue(data.contains("\"success\":true"), data);
        List<String> kinds = Sandbox.strings(sandbox.get("/_sandbox/onetalk/messages"), "templateName");
        assertEquals(Arrays.asList("welcome"), kinds);
    }

    @Test
    void generic_call_and_raw_envelope() throws Exception {
        Envelope reply = client.callRaw("sendtalk_send_whatsapp", "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"raw\"}");
        assertTrue(reply.isSuccess());
        assertEquals(200, reply.getStatus());
        assertEquals("", reply.getCode());
        assertTrue(reply.getJson().startsWith("{\"status\":200,"), reply.getJson());
        assertTrue(reply.getData().contains("\"success\":true"));
        Envelope failed = client.callRaw("sendtalk_get_status", "{\"id\": \"nope\"}");
        assertFalse(failed.isSuccess());
        assertEquals(404, failed.getStatus());
        assertEquals("40401", failed.getCode());
        String data = client.call("sendtalk_get_status", "{\"id\": \"" + Sandbox.string(reply.getData(), "id") + "\"}", "{\"retry\": {\"max_attempts\": 1}}");
        assertEquals("sent", Sandbox.string(data, "status"));
    }

    @Test
    void a_map_config_builds_a_client() throws Exception {
        Map<String, Object> sendtalk = new LinkedHashMap<>();
        sendtalk.put("base_url", sandbox.url);
        sendtalk.put("api_key", "sandbox-sendtalk-api-key");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("sendtalk", sendtalk);
        config.put("timeout_ms", 5000);
        try (TapTalkClient c = new TapTalkClient(config)) {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("phone", "6281212345678");
            request.put("messageType", "text");
            request.put("body", "quote \" backslash \\ newline \n tab \t ünïcødé \uD83D\uDE00");
            c.sendtalkSendWhatsapp(request);
        }
        String stored = sandbox.get("/_sandbox/sendtalk/messages");
        assertTrue(stored.contains("\"body\":\"quote \\\" backslash \\\\ newline \\n tab \\t ünïcødé \uD83D\uDE00\""), stored);
    }
}
