/*
 * A C program as a user of an installed taptalk writes it: it knows only the installed
 * header and library (pkg-config or find_package), talks to a running taptalk-sandbox, and
 * reads every reply with the getters, no JSON library. Exits 0 only when every check holds.
 *
 *   consumer http://127.0.0.1:PORT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <taptalk.h>

static int passed, failed;

static void check(int ok, const char *what, const char *reply) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAILED: %s\n  reply: %s\n", what, reply ? reply : "(null)");
    }
}

/* Whether the value at `pointer` in `reply` is exactly `want` (NULL: absent). */
static int has(const char *reply, const char *pointer, const char *want) {
    char *value = tt_reply_get(reply, pointer);
    int same = (value == NULL || want == NULL) ? value == want : strcmp(value, want) == 0;
    tt_string_free(value);
    return same;
}

/* A copy of the value at `pointer` that the caller frees with tt_string_free, or NULL. */
static char *get(const char *reply, const char *pointer) { return tt_reply_get(reply, pointer); }

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s SANDBOX_URL\n", argv[0]);
        return 2;
    }
    const char *url = argv[1];
    check(tt_abi_version() == TT_ABI_VERSION, "library ABI matches the header", NULL);
    check(strcmp(tt_version(), TAPTALK_VERSION_STRING) == 0, "library version matches the header",
          tt_version());

    char config[1024];
    snprintf(config, sizeof config,
             "{\"powertalk\": {\"base_url\": \"%s\", \"server_key_id\": \"sandbox-powertalk-key-id\","
             " \"server_key_secret\": \"sandbox-powertalk-key-secret\"},"
             " \"sendtalk\": {\"base_url\": \"%s\", \"api_key\": \"sandbox-sendtalk-api-key\"},"
             " \"onetalk\": {\"base_url\": \"%s\", \"api_key\": \"sandbox-onetalk-api-key\"}}",
             url, url, url);
    char *error = NULL;
    TtClient *client = tt_client_new(config, &error);
    if (client == NULL) {
        fprintf(stderr, "tt_client_new: %s\n", error);
        tt_string_free(error);
        return 1;
    }

    /* SendTalk: send, then ask for the status of that very message. */
    char *reply = tt_sendtalk_send_whatsapp(
        client, "{\"phone\": \"6281212345678\", \"messageType\": \"otp\", \"body\": \"Your code is 1234\"}");
    check(tt_reply_ok(reply) == 1 && tt_reply_status(reply) == 200, "send_whatsapp ok", reply);
    check(has(reply, "/data/success", "true"), "send_whatsapp data.success is true", reply);
    char *id = get(reply, "/data/id");
    check(id != NULL && strlen(id) == 36, "send_whatsapp data.id is a UUID", reply);
    tt_string_free(reply);

    char request[256];
    snprintf(request, sizeof request, "{\"id\": \"%s\"}", id ? id : "");
    reply = tt_sendtalk_get_status(client, request);
    check(tt_reply_ok(reply), "get_status ok", reply);
    char *state = get(reply, "/data/status");
    check(state != NULL && (strcmp(state, "pending") == 0 || strcmp(state, "sent") == 0),
          "get_status data.status is pending or sent", reply);
    check(has(reply, "/data/currency", "IDR"), "get_status data.currency", reply);
    tt_string_free(state);
    tt_string_free(id);
    tt_string_free(reply);

    /* A refusal: status, code, message and field, as a C caller reads them. */
    reply = tt_sendtalk_send_whatsapp(client, "{\"phone\": \"not a phone\", \"messageType\": \"otp\", \"body\": \"x\"}");
    check(!tt_reply_ok(reply) && tt_reply_status(reply) == 400, "a bad phone is refused with 400", reply);
    check(has(reply, "/error/code", "40002") && has(reply, "/error/field", "phone"),
          "the refusal names code 40002 and field phone", reply);
    char *message = get(reply, "/error/message");
    check(message != NULL && message[0] != '\0', "the refusal has a message", reply);
    tt_string_free(message);
    tt_string_free(reply);

    /* OneTalk: open a case, find it in the updated list, update it. */
    reply = tt_onetalk_send_whatsapp(
        client, "{\"channelID\": \"2101081881\", \"phone\": \"6281212345678\", \"messageType\": \"text\","
                " \"body\": \"Hello from C\", \"withCase\": true, \"topicID\": 1}");
    check(tt_reply_ok(reply), "onetalk send ok", reply);
    char *case_id = get(reply, "/data/caseID");
    check(case_id != NULL && strlen(case_id) == 10, "onetalk send data.caseID", reply);
    tt_string_free(reply);

    reply = tt_onetalk_get_updated_cases(client, "{\"since_timestamp\": 0, \"limit\": 10}");
    check(tt_reply_ok(reply), "get_updated_cases ok", reply);
    check(case_id != NULL && has(reply, "/data/cases/0/id", case_id), "the case is listed first", reply);
    check(has(reply, "/data/cases/0/firstMessage", "Hello from C"), "its first message", reply);
    check(has(reply, "/data/cases/0/topicID", "1") && has(reply, "/data/cases/0/isJunk", "false"),
          "non-string values come back as JSON text", reply);
    check(has(reply, "/data/cases/1", NULL), "there is no second case", reply);
    tt_string_free(reply);

    snprintf(request, sizeof request, "{\"caseID\": \"%s\", \"agentRemark\": \"called back\"}",
             case_id ? case_id : "");
    reply = tt_onetalk_update_case(client, request);
    check(tt_reply_ok(reply), "update_case ok", reply);
    tt_string_free(reply);
    tt_string_free(case_id);

    reply = tt_onetalk_update_case(client, "{\"caseID\": \"0000000000\", \"isJunk\": true}");
    check(tt_reply_status(reply) == 404 && has(reply, "/error/code", "40401"),
          "an unknown case answers 404 / 40401", reply);
    tt_string_free(reply);

    /* PowerTalk through tt_call. */
    reply = tt_call(client, "powertalk.send_custom_message",
                    "{\"messageType\": 1001, \"body\": \"Hi\", \"senderXCUserID\": \"1\", \"recipientXCUserID\": \"6\"}",
                    NULL);
    check(tt_reply_ok(reply), "powertalk send ok", reply);
    char *local_id = get(reply, "/data/localID");
    check(local_id != NULL && strlen(local_id) == 32, "powertalk data.localID", reply);
    tt_string_free(local_id);
    tt_string_free(reply);

    /* The getters' boundary: NULL and garbage answer NULL / -1 / 0, never crash. */
    check(tt_reply_get(NULL, "/data") == NULL && tt_reply_get("{}", NULL) == NULL, "NULL in, NULL out", NULL);
    check(tt_reply_status("not json") == -1 && tt_reply_ok(NULL) == 0, "garbage is not an envelope", NULL);

    tt_client_free(client);
    printf("consumer: %d checks passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
