package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operations beyond the vendor pages' eight, against the sandbox's own records, and a
 * check that every operation of the C header has its typed Java method.
 */
class MoreOperationsTest extends SandboxTest {
    @Test
    void every_operation_in_the_header_has_a_typed_method() throws Exception {
        String header = new String(Files.readAllBytes(Paths.get("include/taptalk.h")), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("char \\*tt_((?:powertalk|sendtalk|onetalk|chatbot)_\\w+)\\(").matcher(header);
        List<String> missing = new ArrayList<>();
        int operations = 0;
        while (m.find()) {
            operations++;
            StringBuilder camel = new StringBuilder();
            for (String part : m.group(1).split("_")) {
                camel.append(camel.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
            }
            try {
                Method method = TapTalkClient.class.getMethod(camel.toString(), String.class);
                assertEquals(String.class, method.getReturnType());
            } catch (NoSuchMethodException e) {
                missing.add(camel.toString());
            }
        }
        assertEquals(20, operations, "operations found in include/taptalk.h");
        assertEquals(Collections.emptyList(), missing, "TapTalkClient lacks typed methods");
    }

    @Test
    void powertalk_users_a_room_and_a_ticket() throws Exception {
        String first = client.powertalkUpdateUser("{\"xcUserID\": \"j1\", \"fullName\": \"Ana\"}");
        client.powertalkUpdateUser("{\"xcUserID\": \"j2\", \"fullName\": \"Budi\"}");
        assertTrue(!Sandbox.string(first, "userID").isEmpty(), first);
        assertEquals(Arrays.asList("j1", "j2"), Sandbox.strings(sandbox.get("/_sandbox/powertalk/users"), "xcUserID"));

        client.powertalkCreateOrUpdateRoom("{\"xcRoomID\": \"room-j\", \"type\": 2, \"name\": \"Java room\","
                + " \"participantXCUserIDs\": [\"j1\", \"j2\"]}");
        assertEquals(Collections.singletonList("Java room"), Sandbox.strings(sandbox.get("/_sandbox/powertalk/rooms"), "name"));

        NotFoundException unknown = assertThrowsNotFound(() -> client.powertalkCreateOrUpdateRoom(
                "{\"xcRoomID\": \"room-x\", \"type\": 2, \"name\": \"X\", \"participantXCUserIDs\": [\"nobody\"]}"));
        assertEquals("107", unknown.getField());

        String one = client.powertalkRequestAuthTicket(ticketRequest("j1"));
        String two = client.powertalkRequestAuthTicket(ticketRequest("j1"));
        assertNotEquals(Sandbox.string(one, "ticket"), Sandbox.string(two, "ticket"));
        assertEquals(Arrays.asList(Sandbox.string(one, "ticket"), Sandbox.string(two, "ticket")),
                Sandbox.strings(sandbox.get("/_sandbox/auth_tickets"), "ticket"));
    }

    @Test
    void sendtalk_phone_check_and_verification() throws Exception {
        String check = client.sendtalkCheckWhatsappPhone("{\"phone\": \"6281212345678\"}");
        assertTrue(check.contains("\"isRegistered\":true"), check);
        String created = client.sendtalkCreateWhatsappVerification(
                "{\"userPhone\": \"6281212345678\", \"languageCode\": \"en\", \"expiryMinutes\": 10, \"appURL\": \"\"}");
        assertEquals(Collections.singletonList(Sandbox.string(created, "id")),
                Sandbox.strings(sandbox.get("/_sandbox/sendtalk/verifications"), "id"));
    }

    @Test
    void onetalk_customer_ticket_and_contact() throws Exception {
        String ticket = client.onetalkRequestUserAuthTicket("{\"customerUserID\": \"c-j\", \"fullName\": \"Citra\"}");
        assertEquals(64, Sandbox.string(ticket, "ticket").length());
        client.onetalkSyncUserContact("{\"customerUserID\": \"c-j\", \"fullName\": \"Citra\", \"phone\": \"6281212345678\"}");
        String users = sandbox.get("/_sandbox/onetalk/users");
        assertEquals(Collections.singletonList("c-j"), Sandbox.strings(users, "customerUserID"));
        assertEquals(Collections.singletonList("6281212345678"), Sandbox.strings(users, "phone"));
    }

    private static String ticketRequest(String user) {
        return "{\"userIPAddress\": \"127.0.0.1\", \"userAgent\": \"junit\", \"userPlatform\": \"web\","
                + " \"userDeviceID\": \"device-1\", \"xcUserID\": \"" + user + "\", \"fullName\": \"Ana\"}";
    }

    private static NotFoundException assertThrowsNotFound(Runnable call) {
        try {
            call.run();
        } catch (NotFoundException e) {
            return e;
        }
        throw new AssertionError("expected NotFoundException");
    }
}
