/*
 * Soak: THREADS threads x CALLS mixed calls through the C ABI on one shared client, while
 * the test injects faults into the sandbox. Prints one line per send ("S <body> <code>",
 * code "ok" on success) so the test can count deliveries at the sandbox, then totals and
 * the process's RSS early and at the end.
 *
 *   soak BASE_URL THREADS CALLS
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "taptalk.h"

static const TtClient *client;
static int calls_per_thread;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static long envelopes, missing, unknown;
static long rss_early_kb;

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) kb = atol(line + 6);
    }
    if (f) fclose(f);
    return kb;
}

/* Copies error.code of `reply` into `code` ("ok" for a success). */
static void code_of(const char *reply, char *code, size_t size) {
    if (strstr(reply, "\"status\":200") && strstr(reply, "\"code\":\"\"")) {
        snprintf(code, size, "ok");
        return;
    }
    const char *at = strstr(reply, "\"code\":\"");
    if (!at) {
        snprintf(code, size, "?");
        return;
    }
    at += 8;
    size_t n = strcspn(at, "\"");
    if (n >= size) n = size - 1;
    memcpy(code, at, n);
    code[n] = '\0';
}

static void record(char *reply, const char *sent_body) {
    char code[32];
    pthread_mutex_lock(&out_lock);
    if (reply == NULL || strstr(reply, "\"status\"") == NULL) {
        missing++;
    } else {
        envelopes++;
        code_of(reply, code, sizeof code);
        if (strcmp(code, "91010") == 0) unknown++;
        if (sent_body) printf("S %s %s\n", sent_body, code);
    }
    pthread_mutex_unlock(&out_lock);
    tt_string_free(reply);
}

static void *worker(void *arg) {
    int t = (int)(long)arg;
    char body[64], request[512];
    for (int i = 0; i < calls_per_thread; i++) {
        if (t == 0 && i == calls_per_thread / 10) rss_early_kb = rss_kb();
        switch (i % 6) {
        case 0:
            snprintf(body, sizeof body, "s-%d-%d", t, i);
            snprintf(request, sizeof request,
                     "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"%s\"}", body);
            record(tt_sendtalk_send_whatsapp(client, request), body);
            break;
        case 1:
            record(tt_sendtalk_get_status(client, "{\"id\": \"00000000-0000-0000-0000-000000000000\"}"), NULL);
            break;
        case 2:
            snprintf(body, sizeof body, "o-%d-%d", t, i);
            snprintf(request, sizeof request,
                     "{\"channelID\": \"2101081881\", \"phone\": \"6281212345678\", \"messageType\": \"text\","
                     " \"body\": \"%s\"}", body);
            record(tt_onetalk_send_whatsapp(client, request), body);
            break;
        case 3:
            record(tt_onetalk_get_updated_cases(client, "{\"since_timestamp\": 0, \"limit\": 5}"), NULL);
            break;
        case 4:
            snprintf(body, sizeof body, "p-%d-%d", t, i);
            snprintf(request, sizeof request,
                     "{\"messageType\": 1001, \"body\": \"%s\", \"senderXCUserID\": \"a\", \"recipientXCUserID\": \"b\"}",
                     body);
            record(tt_powertalk_send_custom_message(client, request), body);
            break;
        default:
            /* Local only: invalid input never reaches the server. */
            record(tt_sendtalk_send_whatsapp(client, "{\"phone\": \"+62\"}"), NULL);
            break;
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4) return 2;
    int threads = atoi(argv[2]);
    calls_per_thread = atoi(argv[3]);
    char config[1024];
    snprintf(config, sizeof config,
             "{\"powertalk\": {\"base_url\": \"%s\", \"server_key_id\": \"sandbox-powertalk-key-id\","
             " \"server_key_secret\": \"sandbox-powertalk-key-secret\"},"
             " \"sendtalk\": {\"base_url\": \"%s\", \"api_key\": \"sandbox-sendtalk-api-key\"},"
             " \"onetalk\": {\"base_url\": \"%s\", \"api_key\": \"sandbox-onetalk-api-key\"},"
             " \"timeout_ms\": 400,"
             " \"retry\": {\"max_attempts\": 3, \"base_delay_ms\": 5, \"max_delay_ms\": 20, \"deadline_ms\": 5000}}",
             argv[1], argv[1], argv[1]);
    char *error = NULL;
    TtClient *c = tt_client_new(config, &error);
    if (!c) {
        fprintf(stderr, "%s\n", error);
        tt_string_free(error);
        return 1;
    }
    client = c;
    pthread_t ids[64];
    if (threads > 64) threads = 64;
    for (long t = 0; t < threads; t++) pthread_create(&ids[t], NULL, worker, (void *)t);
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    long rss_end = rss_kb();
    tt_client_free(c);
    printf("TOTAL calls=%d envelopes=%ld missing=%ld unknown=%ld rss_early_kb=%ld rss_end_kb=%ld\n",
           threads * calls_per_thread, envelopes, missing, unknown, rss_early_kb, rss_end);
    return missing ? 1 : 0;
}
