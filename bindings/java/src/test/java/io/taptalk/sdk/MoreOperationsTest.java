package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * The operations beyond the vendor pages' eight, against the sandbox's own records
 * (OperationTableTest checks that the typed methods are exactly the library's operations).
 */
class MoreOperationsTest extends SandboxTest {
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
