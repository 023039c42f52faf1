/* Checks the Swift package's module map with Clang modules: imports CTapTalk (the module
 * Swift sees), calls through it, and prints what the library answers. Built and run by
 * scripts/test-swift-modulemap.sh against the real library. */
#pragma clang module import CTapTalk

#include <stdio.h>
#include <string.h>

int main(void) {
    const char *version = tt_version();
    if (tt_abi_version() != TT_ABI_VERSION) {
        fprintf(stderr, "ABI %u, header %u\n", tt_abi_version(), (unsigned)TT_ABI_VERSION);
        return 1;
    }
    /* One real call through the module's declarations: a NULL client answers 90001. */
    char *reply = tt_call(NULL, "sendtalk_get_status", "{}", NULL);
    int ok = reply != NULL && strstr(reply, "\"90001\"") != NULL;
    printf("%s %s\n", version, ok ? "90001" : reply);
    tt_string_free(reply);
    return ok ? 0 : 1;
}
