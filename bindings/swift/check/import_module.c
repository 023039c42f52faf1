/* Checks the Swift package's module map with Clang modules: imports CTapTalk (the module
 * Swift sees), calls through it, and prints what the library answers; with --operations it
 * prints tt_operations() instead. Built and run by scripts/test-swift-modulemap.sh against
 * the real library. */
#pragma clang module import CTapTalk

#include <stdio.h>
#include <string.h>

/* The platform verifier's callback type and constants, as PlatformTrust.swift uses them. */
static int32_t reject_all(void *user_data, const uint8_t *const *certs, const uintptr_t *cert_lens,
                          uintptr_t cert_count, const char *server_name, char *reason,
                          uintptr_t reason_capacity) {
    (void)user_data, (void)certs, (void)cert_lens, (void)cert_count, (void)server_name;
    snprintf(reason, reason_capacity, "test");
    return TT_TLS_REJECTED;
}

int main(int argc, char **argv) {
    /* --operations: the library's operation table, for check/operations.py to compare
     * with the Swift sources (read through the module Swift imports). */
    if (argc > 1 && strcmp(argv[1], "--operations") == 0) {
        puts(tt_operations());
        return 0;
    }
    const char *version = tt_version();
    if (tt_abi_version() != TT_ABI_VERSION) {
        fprintf(stderr, "ABI %u, header %u\n", tt_abi_version(), (unsigned)TT_ABI_VERSION);
        return 1;
    }
    TtTlsVerifyCallback verifier = reject_all;
    tt_set_tls_verifier(verifier, NULL);
    tt_set_tls_verifier(NULL, NULL);
    if (TT_TLS_TRUSTED == TT_TLS_REJECTED) return 1;
    /* One real call through the module's declarations: a NULL client answers 90001. */
    char *reply = tt_call(NULL, "sendtalk_get_status", "{}", NULL);
    int ok = reply != NULL && strstr(reply, "\"90001\"") != NULL;
    /* What TapTalkAsync.swift uses: a cancellation handle, the cancellable call and the
     * batch with its progress callback type, the same NULL client. */
    TtCancel *cancel = tt_cancel_new();
    tt_cancel(cancel);
    TtProgressCallback progress = NULL;
    char *cancelled = tt_call_cancellable(NULL, "sendtalk_get_status", "{}", NULL, cancel);
    char *batch = tt_call_many_cancellable(NULL, "sendtalk_get_status", "[]", NULL, progress, NULL, cancel);
    ok = ok && cancelled && strstr(cancelled, "\"90001\"") && batch && strstr(batch, "\"90001\"");
    tt_string_free(cancelled);
    tt_string_free(batch);
    tt_cancel_free(cancel);
    printf("%s %s\n", version, ok ? "90001" : reply);
    tt_string_free(reply);
    return ok ? 0 : 1;
}
