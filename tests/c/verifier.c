/*
 * The platform certificate verifier from C (tt_set_tls_verifier): a callback that trusts only
 * the sandbox's own leaf certificate lets sends through; one that rejects (with a reason, with
 * a reason that fills the buffer without a NUL, with an answer that is neither constant)
 * fails the send with 91004 after exactly one handshake; a certificate for another name is
 * refused by the library even though the callback would trust it. Run by tests/c_abi/verifier.rs
 * under valgrind when installed; prints "verifier: N checks, M failed".
 *
 * usage: verifier <https_url> <leaf.der> <wrong_name_https_url>
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* What a callback saw; shared by every thread that makes calls, so under a mutex. */
struct seen {
    pthread_mutex_t lock;
    int calls;
    char name[256];
    size_t chain_length;
    const unsigned char *leaf;
    size_t leaf_length;
};

static void record(struct seen *seen, const char *server_name, uintptr_t cert_count) {
    pthread_mutex_lock(&seen->lock);
    seen->calls++;
    snprintf(seen->name, sizeof seen->name, "%s", server_name);
    seen->chain_length = cert_count;
    pthread_mutex_unlock(&seen->lock);
}

static int calls_of(struct seen *seen) {
    pthread_mutex_lock(&seen->lock);
    int calls = seen->calls;
    seen->calls = 0;
    pthread_mutex_unlock(&seen->lock);
    return calls;
}

/* Trusts the chain only when its leaf is byte for byte the sandbox's certificate. */
static int32_t sandbox_leaf_only(void *user_data, const uint8_t *const *certs, const uintptr_t *cert_lens,
                                 uintptr_t cert_count, const char *server_name, char *reason,
                                 uintptr_t reason_capacity) {
    struct seen *seen = user_data;
    record(seen, server_name, cert_count);
    if (cert_count >= 1 && cert_lens[0] == seen->leaf_length &&
        memcmp(certs[0], seen->leaf, seen->leaf_length) == 0) {
        return TT_TLS_TRUSTED;
    }
    snprintf(reason, reason_capacity, "not the sandbox's certificate");
    return TT_TLS_REJECTED;
}

static int32_t reject_with_reason(void *user_data, const uint8_t *const *certs, const uintptr_t *cert_lens,
                                  uintptr_t cert_count, const char *server_name, char *reason,
                                  uintptr_t reason_capacity) {
    (void)certs;
    (void)cert_lens;
    record(user_data, server_name, cert_count);
    snprintf(reason, reason_capacity, "unknown issuer\r\n(test CA\tnot in the store)");
    return TT_TLS_REJECTED;
}

/* Fills the whole buffer, leaving no NUL: the library must stay inside it. */
static int32_t reject_without_nul(void *user_data, const uint8_t *const *certs, const uintptr_t *cert_lens,
                                  uintptr_t cert_count, const char *server_name, char *reason,
                                  uintptr_t reason_capacity) {
    (void)certs;
    (void)cert_lens;
    record(user_data, server_name, cert_count);
    memset(reason, 'x', reason_capacity);
    return TT_TLS_REJECTED;
}

/* Neither TT_TLS_TRUSTED nor TT_TLS_REJECTED: what a broken callback might return. */
static int32_t garbage_answer(void *user_data, const uint8_t *const *certs, const uintptr_t *cert_lens,
                              uintptr_t cert_count, const char *server_name, char *reason,
                              uintptr_t reason_capacity) {
    (void)certs;
    (void)cert_lens;
    (void)reason;
    (void)reason_capacity;
    record(user_data, server_name, cert_count);
    return 42;
}

static int32_t trust_anything(void *user_data, const uint8_t *const *certs, const uintptr_t *cert_lens,
                              uintptr_t cert_count, const char *server_name, char *reason,
                              uintptr_t reason_capacity) {
    (void)certs;
    (void)cert_lens;
    (void)reason;
    (void)reason_capacity;
    record(user_data, server_name, cert_count);
    return TT_TLS_TRUSTED;
}

static char config[1024];

/* The default retry policy (3 attempts): exactly one attempt must be the library's choice. */
static TtClient *platform_client(const char *url) {
    snprintf(config, sizeof config,
             "{\"sendtalk\": {\"base_url\": \"%s\", \"api_key\": \"sandbox-sendtalk-api-key\"},"
             " \"tls\": {\"verifier\": \"platform\"}, \"timeout_ms\": 20000,"
             " \"retry\": {\"base_delay_ms\": 1, \"max_delay_ms\": 5}}",
             url);
    char *error = NULL;
    TtClient *client = tt_client_new(config, &error);
    CHECK(client != NULL && error == NULL, "client: %s", error ? error : "NULL");
    tt_string_free(error);
    return client;
}

static char *send_one(const TtClient *client) {
    return tt_sendtalk_send_whatsapp(
        client, "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"hello\"}");
}

/* The reply is exactly the 91004 envelope with `message`; frees it. */
static void expect_tls_failure(char *reply, const char *message, int line) {
    char expected[1024];
    snprintf(expected, sizeof expected,
             "{\"data\":{},\"error\":{\"code\":\"91004\",\"field\":\"\",\"message\":\"%s\"},\"status\":502}",
             message);
    checks++;
    if (reply == NULL || strcmp(reply, expected) != 0) {
        fprintf(stderr, "FAIL line %d:\n  got      %s\n  expected %s\n", line, reply ? reply : "NULL", expected);
        failures++;
    }
    tt_string_free(reply);
}
#define EXPECT_TLS_FAILURE(reply, message) expect_tls_failure((reply), (message), __LINE__)

static const TtClient *shared_client;

static void *send_four(void *arg) {
    int *ok = arg;
    for (int i = 0; i < 4; i++) {
        char *reply = send_one(shared_client);
        if (tt_reply_ok(reply)) (*ok)++;
        tt_string_free(reply);
    }
    return NULL;
}

static unsigned char *read_file(const char *path, size_t *length) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    unsigned char *data = malloc(65536);
    *length = fread(data, 1, 65536, f);
    fclose(f);
    return data;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: verifier <https_url> <leaf.der> <wrong_name_https_url>\n");
        return 2;
    }
    const char *url = argv[1];
    const char *wrong_name_url = argv[3];
    struct seen seen = {.lock = PTHREAD_MUTEX_INITIALIZER};
    seen.leaf = read_file(argv[2], &seen.leaf_length);
    if (seen.leaf == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        return 2;
    }

    /* No verifier registered: the key is refused up front, named. */
    snprintf(config, sizeof config,
             "{\"sendtalk\": {\"base_url\": \"%s\", \"api_key\": \"k\"}, \"tls\": {\"verifier\": \"platform\"}}", url);
    char *error = NULL;
    TtClient *none = tt_client_new(config, &error);
    CHECK(none == NULL, "a platform client without a verifier is refused");
    char *field = tt_reply_get(error, "/error/field");
    char *code = tt_reply_get(error, "/error/code");
    CHECK(field && strcmp(field, "tls.verifier") == 0, "field: %s", field ? field : "NULL");
    CHECK(code && strcmp(code, "90003") == 0, "code: %s", code ? code : "NULL");
    tt_string_free(field);
    tt_string_free(code);
    tt_string_free(error);

    /* Trusted: only the sandbox's own leaf. Four threads share the client. */
    tt_set_tls_verifier(sandbox_leaf_only, &seen);
    TtClient *client = platform_client(url);
    char *reply = send_one(client);
    CHECK(tt_reply_ok(reply), "trusted send: %s", reply);
    tt_string_free(reply);
    CHECK(calls_of(&seen) == 1, "one handshake, one verification");
    CHECK(strcmp(seen.name, "127.0.0.1") == 0, "server name: %s", seen.name);
    CHECK(seen.chain_length == 1, "chain length: %zu", seen.chain_length);
    pthread_t threads[4];
    int ok[4] = {0};
    shared_client = client;
    for (int t = 0; t < 4; t++) pthread_create(&threads[t], NULL, send_four, &ok[t]);
    for (int t = 0; t < 4; t++) pthread_join(threads[t], NULL);
    for (int t = 0; t < 4; t++) CHECK(ok[t] == 4, "thread %d: %d of 4 sends succeeded", t, ok[t]);
    calls_of(&seen);

    /* The platform verifier excludes the library's own roots: refused, the key named. */
    snprintf(config, sizeof config,
             "{\"sendtalk\": {\"api_key\": \"k\"}, \"tls\": {\"verifier\": \"platform\", \"built_in_roots\": true}}");
    error = NULL;
    CHECK(tt_client_new(config, &error) == NULL, "platform with built_in_roots is refused");
    field = tt_reply_get(error, "/error/field");
    CHECK(field && strcmp(field, "tls.built_in_roots") == 0, "field: %s", field ? field : "NULL");
    tt_string_free(field);
    tt_string_free(error);

    /* Rejections: the reason in the message, cleaned; one handshake; nothing sent. */
    tt_set_tls_verifier(reject_with_reason, &seen);
    TtClient *rejecting = platform_client(url);
    EXPECT_TLS_FAILURE(send_one(rejecting),
                       "The TLS handshake with the server failed: the server's certificate is not trusted by "
                       "the platform verifier (unknown issuer  (test CA not in the store)); the request was not sent");
    CHECK(calls_of(&seen) == 1, "a rejected certificate is not retried");

    tt_set_tls_verifier(reject_without_nul, &seen);
    char expected[512];
    char reason[201];
    memset(reason, 'x', 197);
    strcpy(reason + 197, "...");
    snprintf(expected, sizeof expected,
             "The TLS handshake with the server failed: the server's certificate is not trusted by "
             "the platform verifier (%s); the request was not sent",
             reason);
    EXPECT_TLS_FAILURE(send_one(rejecting), expected);
    CHECK(calls_of(&seen) == 1, "one handshake");

    tt_set_tls_verifier(garbage_answer, &seen);
    EXPECT_TLS_FAILURE(send_one(rejecting),
                       "The TLS handshake with the server failed: the server's certificate is not trusted by "
                       "the platform verifier (the verifier answered 42, neither TT_TLS_TRUSTED nor "
                       "TT_TLS_REJECTED; treated as not trusted); the request was not sent");
    CHECK(calls_of(&seen) == 1, "one handshake");

    /* Removed after the client was made: nothing to ask, so not trusted. */
    tt_set_tls_verifier(NULL, NULL);
    EXPECT_TLS_FAILURE(send_one(rejecting),
                       "The TLS handshake with the server failed: the server's certificate is not trusted by "
                       "the platform verifier (no platform verifier is registered: call tt_set_tls_verifier "
                       "first (the Java and Swift bindings register theirs)); the request was not sent");
    tt_client_free(rejecting);

    /* A certificate for another name: refused by the library, the callback never asked. */
    tt_set_tls_verifier(trust_anything, &seen);
    TtClient *wrong = platform_client(wrong_name_url);
    EXPECT_TLS_FAILURE(send_one(wrong),
                       "The TLS handshake with the server failed: the server's certificate is not valid for "
                       "the host name '127.0.0.1' (name mismatch); the request was not sent");
    CHECK(calls_of(&seen) == 0, "a name mismatch is refused before the callback");
    tt_client_free(wrong);

    /* The first client still sends once a trusting verifier is back. */
    reply = send_one(client);
    CHECK(tt_reply_ok(reply), "send after re-registering: %s", reply);
    tt_string_free(reply);

    tt_set_tls_verifier(NULL, NULL);
    tt_client_free(client);
    free((void *)seen.leaf);
    return check_summary("verifier");
}
