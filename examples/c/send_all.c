/*
 * Sends through every taptalk operation and frees everything.
 *
 *   cargo build
 *   gcc -I include examples/c/send_all.c -L target/debug -ltaptalk \
 *       -Wl,-rpath,"$PWD/target/debug" -o send_all
 *   ./send_all http://127.0.0.1:8080        # e.g. a running taptalk-sandbox
 *
 * The keys below are the sandbox's defaults; against the real service, use your own and
 * drop the base URLs (SendTalk and OneTalk then default to the vendor's hosts).
 */
#include <stdio.h>
#include <stdlib.h>

#include "taptalk.h"

typedef char *(*operation_fn)(const TtClient *, const char *);

static int call(const char *name, operation_fn fn, const TtClient *client, const char *request) {
    char *reply = fn(client, request);          /* never NULL */
    int ok = tt_reply_status(reply) == 200;     /* no JSON parser needed */
    printf("%-40s %s\n", name, reply);
    tt_string_free(reply);                       /* the only way to free it */
    return ok;
}

int main(int argc, char **argv) {
    const char *base_url = argc > 1 ? argv[1] : "http://127.0.0.1:8080";
    if (tt_abi_version() != TT_ABI_VERSION) {
        fprintf(stderr, "libtaptalk ABI %u, header %d\n", tt_abi_version(), TT_ABI_VERSION);
        return 2;
    }
    printf("taptalk %s\n", tt_version());

    char config[1536];
    snprintf(config, sizeof config,
             "{\"powertalk\": {\"base_url\": \"%s\", \"server_key_id\": \"sandbox-powertalk-key-id\","
             " \"server_key_secret\": \"sandbox-powertalk-key-secret\"},"
             " \"sendtalk\": {\"base_url\": \"%s\", \"api_key\": \"sandbox-sendtalk-api-key\"},"
             " \"onetalk\": {\"base_url\": \"%s\", \"api_key\": \"sandbox-onetalk-api-key\"},"
             " \"chatbot\": {\"base_url\": \"%s\", \"organization_id\": 1, \"chatbot_id\": \"sandbox-chatbot\","
             " \"secret_key\": \"sandbox-chatbot-secret\"},"
             " \"timeout_ms\": 10000, \"user_agent\": \"send_all.c/1.0\"}",
             base_url, base_url, base_url, base_url);

    char *error = NULL;
    TtClient *client = tt_client_new(config, &error);
    if (client == NULL) {
        fprintf(stderr, "tt_client_new: %s\n", error);
        tt_string_free(error);
        return 1;
    }

    int ok = 0;
    ok += call("powertalk_send_custom_message", tt_powertalk_send_custom_message, client,
               "{\"messageType\": 1001, \"body\": \"Hi, nice to meet you.\", \"senderXCUserID\": \"1\","
               " \"recipientXCUserID\": \"6\"}");
    ok += call("powertalk_sync_contacts", tt_powertalk_sync_contacts, client,
               "{\"contacts\": [{\"ownerXCUserID\": \"1\", \"contactXCUserID\": \"6\"}]}");
    ok += call("powertalk_update_user", tt_powertalk_update_user, client,
               "{\"xcUserID\": \"1\", \"fullName\": \"Ana\", \"email\": \"ana@example.com\"}");
    ok += call("powertalk_create_or_update_room", tt_powertalk_create_or_update_room, client,
               "{\"xcRoomID\": \"team-1\", \"type\": 2, \"name\": \"Team\","
               " \"participantXCUserIDs\": [\"1\"]}");
    ok += call("powertalk_request_auth_ticket", tt_powertalk_request_auth_ticket, client,
               "{\"userIPAddress\": \"127.0.0.1\", \"userAgent\": \"send_all.c\", \"userPlatform\": \"web\","
               " \"userDeviceID\": \"device-1\", \"xcUserID\": \"1\", \"fullName\": \"Ana\"}");
    ok += call("sendtalk_send_whatsapp", tt_sendtalk_send_whatsapp, client,
               "{\"phone\": \"6281212345678\", \"messageType\": \"otp\", \"body\": \"Your code is 1234\"}");
    ok += call("sendtalk_get_status", tt_sendtalk_get_status, client,
               "{\"id\": \"3f581b4e-8e7c-4ebf-a533-39115737b81c\"}");
    ok += call("sendtalk_check_whatsapp_phone", tt_sendtalk_check_whatsapp_phone, client,
               "{\"phone\": \"6281212345678\"}");
    ok += call("sendtalk_create_whatsapp_verification", tt_sendtalk_create_whatsapp_verification,
               client, "{\"userPhone\": \"6281212345678\", \"languageCode\": \"en\", \"expiryMinutes\": 10,"
               " \"appURL\": \"\"}");
    /* The case this send opens is the one the chatbot's actions below work on. */
    char *sent = tt_onetalk_send_whatsapp(client,
        "{\"channelID\": \"2101081881\", \"phone\": \"6281212345678\", \"messageType\": \"text\","
        " \"body\": \"Hi, this is a message.\", \"withCase\": true, \"topicID\": 1}");
    printf("%-40s %s\n", "onetalk_send_whatsapp", sent);
    ok += tt_reply_status(sent) == 200;
    char *opened = tt_reply_get(sent, "/data/caseID");
    char case_id[64];
    snprintf(case_id, sizeof case_id, "%s", opened && *opened ? opened : "00C49D438C");
    tt_string_free(opened);
    tt_string_free(sent);
    ok += call("onetalk_send_whatsapp_template", tt_onetalk_send_whatsapp_template, client,
               "{\"channelID\": \"2100480937\", \"phoneNumberID\": \"103011859190563\", \"phone\": \"6281212345678\","
               " \"templateName\": \"greetings_v1\", \"languageCode\": \"en\","
               " \"parameters\": {\"body\": [{\"name\": \"name\", \"value\": \"John\"}]}}");
    ok += call("onetalk_get_updated_cases", tt_onetalk_get_updated_cases, client,
               "{\"since_timestamp\": 0, \"limit\": 10}");
    ok += call("onetalk_update_case", tt_onetalk_update_case, client,
               "{\"caseID\": \"00C49D438C\", \"agentRemark\": \"called back\", \"isJunk\": false}");
    ok += call("onetalk_request_user_auth_ticket", tt_onetalk_request_user_auth_ticket, client,
               "{\"customerUserID\": \"customer-1\", \"fullName\": \"Budi\"}");
    ok += call("onetalk_sync_user_contact", tt_onetalk_sync_user_contact, client,
               "{\"customerUserID\": \"customer-1\", \"fullName\": \"Budi\", \"phone\": \"6281212345678\"}");

    /* A custom chatbot's actions on the case the WhatsApp send above opened (the sandbox
     * refuses any on a closed case, so the updates come before the close). */
    char request[256];
    snprintf(request, sizeof request, "{\"caseID\": \"%s\", \"messages\": [{\"type\": \"text\","
             " \"text\": {\"body\": \"Hello!\"}}]}", case_id);
    ok += call("chatbot_send_messages", tt_chatbot_send_messages, client, request);
    snprintf(request, sizeof request, "{\"caseID\": \"%s\", \"handoverCase\": {\"topicID\": 0}}", case_id);
    ok += call("chatbot_handover_case", tt_chatbot_handover_case, client, request);
    snprintf(request, sizeof request, "{\"caseID\": \"%s\", \"updateCase\": {\"agentRemark\": \"bot saw it\"}}", case_id);
    ok += call("chatbot_update_case", tt_chatbot_update_case, client, request);
    snprintf(request, sizeof request, "{\"caseID\": \"%s\", \"updateContact\": {\"alias\": \"Budi\"}}", case_id);
    ok += call("chatbot_update_contact", tt_chatbot_update_contact, client, request);
    snprintf(request, sizeof request, "{\"caseID\": \"%s\", \"closeCase\": {\"sendClosingMessage\": false}}", case_id);
    ok += call("chatbot_close_case", tt_chatbot_close_case, client, request);

    tt_client_free(client);
    printf("%d of 20 operations answered status 200\n", ok);
    return 0;
}
