package io.taptalk.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exactly-once case cursor (tt_case_cursor_*) through CaseCursor. */
class CaseCursorTest extends SandboxTest {
    /** Sends one OneTalk message per phone, each opening a case; answers the case ids. */
    private static List<String> openCases(String... phones) {
        List<String> ids = new ArrayList<>();
        for (String phone : phones) {
            String sent = client.onetalkSendWhatsapp("{\"channelID\": \"1\", \"phone\": \"" + phone + "\","
                    + " \"messageType\": \"text\", \"body\": \"hi\", \"withCase\": true, \"topicID\": 1}");
            ids.add(Sandbox.string(sent, "caseID"));
        }
        assertEquals(phones.length, new HashSet<>(ids).size(), ids.toString());
        return ids;
    }

    /**
     * The case ids in a reply: the sandbox's are 10 hex digits, its contact ids (also "id",
     * nested in each case) UUIDs.
     */
    private static List<String> caseIds(String data) {
        List<String> ids = new ArrayList<>();
        for (String id : Sandbox.strings(data, "id")) {
            if (id.matches("[0-9A-F]{10}")) {
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void next_case_delivers_each_case_exactly_once_and_state_resumes() throws Exception {
        List<String> opened = openCases("6281212345671", "6281212345672", "6281212345673");
        List<String> delivered = new ArrayList<>();
        String saved;
        try (CaseCursor cursor = new CaseCursor("{\"since_timestamp\": 0, \"page_size\": 1}")) {
            while (true) {
                String data = cursor.nextCase(client);
                if (data.startsWith("{\"case\":null")) {
                    assertTrue(data.contains("\"hasMore\":false"), data);
                    break;
                }
                List<String> ids = caseIds(data);
                assertEquals(1, ids.size(), data);
                delivered.add(ids.get(0));
                assertTrue(delivered.size() <= 3, delivered.toString());
            }
            saved = cursor.state();
            // Caught up: polling again finds nothing new.
            assertTrue(cursor.nextCase(client).startsWith("{\"case\":null"));
        }
        assertEquals(new HashSet<>(opened), new HashSet<>(delivered));
        assertEquals(3, delivered.size());
        // The first page asked for page_size cases (later ones may ask for more when cases
        // share one updatedTime: page_size is a hint).
        String seen = sandbox.get("/_sandbox/requests?path=/api/integration/v1/inbox/case/get_updated_list");
        assertEquals("since_timestamp=0&limit=1", Sandbox.strings(seen, "query").get(0));
        assertTrue(saved.contains("\"page_size\":1"), saved);
        try (CaseCursor resumed = new CaseCursor(saved)) {
            String page = resumed.nextPage(client);
            assertTrue(page.startsWith("{\"cases\":[]"), page);
            assertTrue(page.contains("\"hasMore\":false"), page);
            // A case opened after the saved state is the only one the resumed cursor delivers.
            String later = openCases("6281212345674").get(0);
            String next = resumed.nextCase(client);
            assertEquals(Collections.singletonList(later), caseIds(next));
            assertTrue(resumed.nextCase(client).startsWith("{\"case\":null"));
        }
    }

    @Test
    void next_page_returns_cases_and_a_state() throws Exception {
        List<String> opened = openCases("6281212345681", "6281212345682");
        try (CaseCursor cursor = new CaseCursor("{\"since_timestamp\": 0}")) {
            Envelope page = cursor.nextPageRaw(client);
            assertTrue(page.isSuccess(), page.getJson());
            assertEquals(new HashSet<>(opened), new HashSet<>(caseIds(page.getData())));
            assertTrue(page.getData().contains("\"state\":{"), page.getData());
            assertTrue(cursor.stateRaw().isSuccess());
        }
    }

    @Test
    void bad_options_are_refused_with_an_exception() {
        ValidationException size = assertThrows(ValidationException.class,
                () -> new CaseCursor("{\"since_timestamp\": 0, \"page_size\": 0}"));
        assertEquals("page_size", size.getField());
        ValidationException unknown = assertThrows(ValidationException.class,
                () -> new CaseCursor("{\"since_timestamp\": 0, \"pagesize\": 5}"));
        assertEquals("40002", unknown.getCode());
        assertThrows(UsageException.class, () -> new CaseCursor("{not json"));
        assertThrows(UsageException.class, () -> new CaseCursor(null));
    }

    @Test
    void close_is_idempotent_and_a_closed_cursor_or_client_is_refused() throws Exception {
        CaseCursor cursor = new CaseCursor("{\"since_timestamp\": 0}");
        cursor.close();
        cursor.close();
        assertTrue(cursor.isClosed());
        assertThrows(IllegalStateException.class, () -> cursor.nextCase(client));
        assertThrows(IllegalStateException.class, cursor::state);
        assertEquals("The case cursor is closed", cursor.nextPageRaw(client).getErrorMessage());
        assertEquals(400, cursor.stateRaw().getStatus());

        TapTalkClient closed = new TapTalkClient(sandbox.config());
        closed.close();
        try (CaseCursor open = new CaseCursor("{\"since_timestamp\": 0}")) {
            assertThrows(ClientClosedException.class, () -> open.nextPage(closed));
            assertEquals("The client is closed", open.nextCaseRaw(closed).getErrorMessage());
            assertFalse(open.isClosed());
        }
        assertEquals(Collections.emptyList(), Sandbox.strings(sandbox.get("/_sandbox/requests"), "path"));
    }
}
