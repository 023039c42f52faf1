/*
 * The case cursor and raw requests from C: hostile input at the boundary answers envelopes,
 * a cursor pages the sandbox's cases exactly once (with a save and resume through its state
 * JSON), and tt_request reaches only the configured host. Run by tests/c_abi/cursor_request.rs
 * under valgrind when installed; prints the case ids it delivered, one per line.
 *
 * usage: cursor_request <base_url> <onetalk_api_key>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Prints every "id" value in `json` on its own line; answers how many. No JSON library:
 * the sandbox's case ids are plain alphanumerics and "id" is only a case's key here. */
static int print_ids(const char *json) {
    int count = 0;
    const char *at = json;
    while ((at = strstr(at, "\"id\":\"")) != NULL) {
        at += 6;
        const char *end = strchr(at, '"');
        if (end == NULL) break;
        /* Contact objects carry an "id" too; case ids are 10 characters, contact ids UUIDs. */
        if (end - at == 10) {
            printf("case %.*s\n", (int)(end - at), at);
            count++;
        }
        at = end;
    }
    return count;
}

/* Copies the "state" object out of a next_page reply (it is the last member of data). */
static char *state_of(const char *page) {
    const char *at = strstr(page, "\"state\":");
    if (at == NULL) return NULL;
    at += 8;
    const char *end = strchr(at, '}');
    if (end == NULL) return NULL;
    /* "seen" is an object inside the state: take up to the second closing brace. */
    end = strchr(end + 1, '}');
    if (end == NULL) return NULL;
    size_t length = (size_t)(end - at) + 1;
    char *state = malloc(length + 1);
    memcpy(state, at, length);
    state[length] = '\0';
    return state;
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    char config[512];
    snprintf(config, sizeof config,
             "{\"onetalk\": {\"base_url\": \"%s\", \"api_key\": \"%s\"}, \"timeout_ms\": 5000}",
             argv[1], argv[2]);
    TtClient *client = tt_client_new(config, NULL);
    CHECK(client != NULL, "client");
    if (client == NULL) return 1;

    /* tt_case_cursor_new: NULL, invalid UTF-8, garbage, bad options; with and without error_out. */
    char *error = (char *)1;
    CHECK(tt_case_cursor_new(NULL, &error) == NULL, "NULL options");
    EXPECT(error, "90001");
    error = (char *)1;
    CHECK(tt_case_cursor_new("{\"since_timestamp\": \"\xff\"}", &error) == NULL, "bad utf8");
    EXPECT(error, "90001");
    error = NULL;
    CHECK(tt_case_cursor_new("{since", &error) == NULL, "garbage");
    EXPECT(error, "90002");
    error = NULL;
    CHECK(tt_case_cursor_new("{\"since_timestamp\": 0, \"page_size\": 500}", &error) == NULL, "page_size");
    CHECK(error != NULL && strstr(error, "\"field\":\"page_size\"") != NULL, "field: %s", error);
    tt_string_free(error);
    CHECK(tt_case_cursor_new("[]", NULL) == NULL, "error_out NULL is allowed");

    /* NULL cursors and NULL-safe free. */
    tt_case_cursor_free(NULL);
    EXPECT(tt_case_cursor_next_page(NULL, client), "90001");
    EXPECT(tt_case_cursor_next_case(NULL, client), "90001");
    EXPECT(tt_case_cursor_state(NULL), "90001");
    EXPECT(tt_case_cursor_request(NULL), "90001");
    EXPECT(tt_case_cursor_feed(NULL, "{}"), "90001");

    /* Feeding by hand: bad replies are refused, a good one is buffered and handed out. */
    TtCaseCursor *fed = tt_case_cursor_new("{\"since_timestamp\": 0, \"page_size\": 2}", NULL);
    CHECK(fed != NULL, "fed cursor");
    EXPECT(tt_case_cursor_next_case(fed, NULL), "90001"); /* nothing buffered, no client */
    EXPECT(tt_case_cursor_feed(fed, NULL), "90001");
    EXPECT(tt_case_cursor_feed(fed, "\xc3\x28"), "90001");
    EXPECT(tt_case_cursor_feed(fed, "{not json"), "90002");
    EXPECT(tt_case_cursor_feed(fed, "{\"status\":200,\"error\":{\"code\":\"\"},\"data\":{\"cases\":7}}"), "91006");
    EXPECT(tt_case_cursor_feed(fed, "{\"status\":499,\"error\":{\"code\":\"49900\"},\"data\":{}}"), "49900");
    char *request = tt_case_cursor_request(fed);
    CHECK(strstr(request, "\"since_timestamp\":0") && strstr(request, "\"limit\":2"), "%s", request);
    tt_string_free(request);
    char *buffered = tt_case_cursor_feed(fed,
        "{\"status\":200,\"error\":{\"code\":\"\",\"message\":\"\",\"field\":\"\"},\"data\":{\"cases\":"
        "[{\"id\":\"A\",\"updatedTime\":5},{\"id\":\"B\",\"updatedTime\":6}],\"hasMore\":false}}");
    CHECK(strstr(buffered, "\"buffered\":2"), "%s", buffered);
    tt_string_free(buffered);
    char *one = tt_case_cursor_next_case(fed, NULL);
    CHECK(strstr(one, "\"id\":\"A\"") && strstr(one, "\"hasMore\":true"), "%s", one);
    tt_string_free(one);
    char *rest = tt_case_cursor_next_page(fed, NULL);
    CHECK(strstr(rest, "\"id\":\"B\"") && strstr(rest, "\"hasMore\":false"), "%s", rest);
    tt_string_free(rest);
    char *fed_state = tt_case_cursor_state(fed);
    CHECK(strstr(fed_state, "\"since_timestamp\":6") && strstr(fed_state, "\"B\":6"), "%s", fed_state);
    tt_string_free(fed_state);
    tt_case_cursor_free(fed);

    /* Paging the sandbox: two pages, save the state, free, resume, then case by case. */
    TtCaseCursor *cursor = tt_case_cursor_new("{\"since_timestamp\": 0, \"page_size\": 3}", NULL);
    CHECK(cursor != NULL, "cursor");
    int delivered = 0;
    char *state = NULL;
    for (int page = 0; page < 2; page++) {
        char *reply = tt_case_cursor_next_page(cursor, client);
        CHECK(strstr(reply, "\"status\":200") != NULL, "%s", reply);
        delivered += print_ids(reply);
        free(state);
        state = state_of(reply);
        tt_string_free(reply);
    }
    tt_case_cursor_free(cursor);
    CHECK(state != NULL, "state");
    cursor = tt_case_cursor_new(state, &error);
    CHECK(cursor != NULL, "resume from %s: %s", state, error ? error : "");
    free(state);
    for (int guard = 0; cursor != NULL && guard < 1000; guard++) {
        char *reply = tt_case_cursor_next_case(cursor, client);
        CHECK(strstr(reply, "\"status\":200") != NULL, "%s", reply);
        int found = print_ids(reply);
        delivered += found;
        int caught_up = strstr(reply, "\"case\":null") != NULL;
        tt_string_free(reply);
        if (caught_up || found == 0) break;
    }
    char *final_state = tt_case_cursor_state(cursor);
    CHECK(strstr(final_state, "\"reading\":\"") != NULL, "%s", final_state);
    tt_string_free(final_state);
    tt_case_cursor_free(cursor);
    printf("delivered %d\n", delivered);

    /* tt_request: NULL and bad arguments, refused paths, then one real GET. */
    EXPECT(tt_request(NULL, "onetalk", "GET", "/x", NULL, NULL), "90001");
    EXPECT(tt_request(client, NULL, "GET", "/x", NULL, NULL), "90001");
    EXPECT(tt_request(client, "onetalk", NULL, "/x", NULL, NULL), "90001");
    EXPECT(tt_request(client, "onetalk", "GET", NULL, NULL, NULL), "90001");
    EXPECT(tt_request(client, "onetalk", "GET", "/x\xff", NULL, NULL), "90001");
    EXPECT(tt_request(client, "onetalk", "GET", "/x", "{\"a\": \"\xc3\x28\"}", NULL), "90001");
    EXPECT(tt_request(client, "onetalk", "GET", "/x", NULL, "\xff"), "90001");
    EXPECT(tt_request(client, "onetalkx", "GET", "/x", NULL, NULL), "40002");
    EXPECT(tt_request(client, "onetalk", "DELETE", "/x", NULL, NULL), "40002");
    EXPECT(tt_request(client, "sendtalk", "POST", "/x", NULL, NULL), "40001");
    EXPECT(tt_request(client, "onetalk", "GET", "http://evil.example/x", NULL, NULL), "40002");
    EXPECT(tt_request(client, "onetalk", "GET", "/a/%2e%2e/b", NULL, NULL), "40002");
    EXPECT(tt_request(client, "onetalk", "GET", "/a\r\nHost: evil", NULL, NULL), "40002");
    EXPECT(tt_request(client, "onetalk", "GET", "/x", "{garbage", NULL), "90002");
    EXPECT(tt_request(client, "onetalk", "POST", "/x", "{}", "{\"safe_to_repeat\": 1}"), "90003");
    char *reply = tt_request(client, "onetalk", "GET", "/api/integration/v1/inbox/case/get_updated_list",
                             "{\"since_timestamp\": 0, \"limit\": 1}", "{\"retry\": {\"max_attempts\": 1}}");
    CHECK(strstr(reply, "\"status\":200") && strstr(reply, "\"hasMore\":true"), "%s", reply);
    tt_string_free(reply);

    tt_client_free(client);
    return check_summary("cursor_request");
}
