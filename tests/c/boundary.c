/*
 * Hostile input at the C boundary: every call must answer an envelope with the right code,
 * never crash, never return NULL, and leak nothing (run under valgrind by tests/c_abi/programs.rs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Log callback: counts lines and remembers whether any carried the key. */
struct log_seen {
    int lines;
    int leaked;
};
static void on_log(void *user_data, int32_t level, const char *target, const char *message) {
    struct log_seen *seen = user_data;
    seen->lines++;
    if (strstr(message, "SECRET-KEY") != NULL || level < TT_LOG_ERROR || strcmp(target, "taptalk") != 0) {
        seen->leaked++;
    }
}

int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : "http://127.0.0.1:9";
    char config[512];
    snprintf(config, sizeof config,
             "{\"sendtalk\": {\"base_url\": \"%s\", \"api_key\": \"SECRET-KEY\"}, \"timeout_ms\": 2000}", url);

    CHECK(strcmp(tt_version(), "0.1.0") == 0, "version %s", tt_version());
    CHECK(tt_abi_version() == TT_ABI_VERSION, "abi");

    /* tt_client_new: NULL, invalid UTF-8, invalid JSON, bad keys; with and without error_out. */
    char *error = (char *)1;
    CHECK(tt_client_new(NULL, &error) == NULL, "NULL config");
    EXPECT(error, "90001");
    error = (char *)1;
    CHECK(tt_client_new("{\"sendtalk\": {\"api_key\": \"\xff\xfe\"}}", &error) == NULL, "bad utf8");
    EXPECT(error, "90001");
    error = NULL;
    CHECK(tt_client_new("{not json", &error) == NULL, "bad json");
    EXPECT(error, "90003");
    error = NULL;
    CHECK(tt_client_new("{\"sendtalk\": {\"api_key\": \"a\\r\\nX: y\"}}", &error) == NULL, "CRLF key");
    CHECK(error != NULL && strstr(error, "\"field\":\"sendtalk.api_key\"") != NULL, "CRLF field: %s", error);
    tt_string_free(error);
    CHECK(tt_client_new("[]", NULL) == NULL, "error_out NULL is allowed");

    /* NULL-safe frees. */
    tt_client_free(NULL);
    tt_string_free(NULL);

    /* Operations with a NULL client. */
    EXPECT(tt_sendtalk_send_whatsapp(NULL, "{}"), "90001");
    EXPECT(tt_onetalk_update_case(NULL, NULL), "90001");

    error = NULL;
    TtClient *client = tt_client_new(config, &error);
    CHECK(client != NULL && error == NULL, "valid config: %s", error ? error : "");
    if (client == NULL) return 1;

    /* NULL, invalid UTF-8, invalid and hostile JSON requests. */
    EXPECT(tt_sendtalk_send_whatsapp(client, NULL), "90001");
    EXPECT(tt_sendtalk_send_whatsapp(client, "{\"phone\": \"\xc3\x28\"}"), "90001");
    EXPECT(tt_sendtalk_send_whatsapp(client, ""), "90002");
    EXPECT(tt_sendtalk_send_whatsapp(client, "[1,2,3]"), "90002");
    EXPECT(tt_sendtalk_send_whatsapp(client, "{\"phone\": "), "90002");
    EXPECT(tt_sendtalk_send_whatsapp(client, "{\"phone\": \"6281212345678\", \"phone\": 1}"), "40002");

    /* 100k-deep nesting must not overflow the stack. */
    size_t depth = 100000;
    char *deep = malloc(depth * 2 + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[depth * 2] = '\0';
    EXPECT(tt_sendtalk_send_whatsapp(client, deep), "90002");
    free(deep);

    /* A 1 MB string field is just a long body, refused for the missing phone. */
    size_t big = 1 << 20;
    char *large = malloc(big + 64);
    strcpy(large, "{\"body\": \"");
    memset(large + 10, 'x', big);
    strcpy(large + 10 + big, "\"}");
    EXPECT(tt_sendtalk_send_whatsapp(client, large), "40002");
    free(large);

    /* Validation and unconfigured products. */
    EXPECT(tt_sendtalk_send_whatsapp(client, "{\"messageType\": \"text\", \"body\": \"hi\"}"), "40002");
    EXPECT(tt_onetalk_get_updated_cases(client, "{\"since_timestamp\": 0}"), "40001");
    EXPECT(tt_powertalk_sync_contacts(client, "{\"contacts\": []}"), "40001");

    /* tt_call: any operation by name, with per-call options. */
    EXPECT(tt_call(client, "sendtalk.nope", "{}", NULL), "90001");
    EXPECT(tt_call(client, NULL, "{}", NULL), "90001");
    EXPECT(tt_call(NULL, "sendtalk_get_status", "{}", NULL), "90001");
    EXPECT(tt_call(client, "sendtalk_get_status", NULL, NULL), "90001");
    EXPECT(tt_call(client, "sendtalk_get_status", "{}", "{\"retry\": {\"max_attempts\": 0}}"), "90003");
    EXPECT(tt_call(client, "sendtalk_get_status", "{}", "{\"retries\": 1}"), "90003");
    EXPECT(tt_call(client, "sendtalk_get_status", "{}", "not json"), "90003");
    EXPECT(tt_call(client, "sendtalk_get_status", "{}", "{\"retry\": {\"max_attempts\": 1}}"), "40002");
    /* The dotted spelling of earlier releases still names the operation. */
    EXPECT(tt_call(client, "sendtalk.get_status", "{}", "{\"retry\": {\"max_attempts\": 1}}"), "40002");
    EXPECT(tt_call(client, "sendtalk_check_whatsapp_phone", "{}", NULL), "40002");

    /* The header's TT_ERR_* constants are the numbers in error.code. */
    {
        char code[16];
        char *reply = tt_call(client, "sendtalk_nope", "{}", NULL);
        const char *at = strstr(reply, "\"code\":\"");
        CHECK(at != NULL && sscanf(at + 8, "%15[0-9]", code) == 1, "no code in %s", reply);
        CHECK(at != NULL && atoi(code) == TT_ERR_INVALID_ARGUMENT, "code %s is not TT_ERR_INVALID_ARGUMENT", reply);
        CHECK(TT_ERR_OUTCOME_UNKNOWN == 91010 && TT_ERR_INVALID_PARAM == 40002, "constants");
        tt_string_free(reply);
    }
    /* tt_operations(): the table as static JSON, one row per export. */
    CHECK(strstr(tt_operations(), "\"export\":\"tt_onetalk_sync_user_contact\"") != NULL, "%s", tt_operations());

    /* The log callback sees local refusals at debug level, and never a key. */
    struct log_seen seen = {0, 0};
    tt_set_log_callback(on_log, &seen, TT_LOG_TRACE);
    EXPECT(tt_sendtalk_send_whatsapp(client, "{\"phone\": \"1\"}"), "40002");
    tt_set_log_callback(NULL, NULL, 0);
    EXPECT(tt_sendtalk_send_whatsapp(client, "{\"phone\": \"1\"}"), "40002");
    CHECK(seen.lines == 1, "log lines: %d", seen.lines);
    CHECK(seen.leaked == 0, "bad log lines: %d", seen.leaked);

    tt_client_free(client);
    return check_summary("boundary");
}
