/*
 * A real panic inside the built library is answered with the 90004 envelope, and the process
 * and the client go on working. It proves that panics unwind and are caught in whatever build
 * this program is linked against (the debug library in tests/c_abi/programs.rs, the size-optimised
 * phone build in scripts/test-mobile-build.sh), with no test hook compiled into the library.
 *
 * How: this program defines clock_gettime, which takes precedence over libc's for the
 * library's calls. While `clock_broken` is set it fails, and Rust's std turns a failing
 * monotonic clock into a panic (Instant::now() unwraps clock_gettime's result), which
 * happens inside a send before anything is written to the network.
 *
 * Usage: panic_inside [BASE_URL]   With a URL (a server answering 200), the send after the
 * panics must reach it and answer status 200. Prints "c panic probe: N passed, M failed".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "taptalk.h"

static volatile int clock_broken = 0;

int clock_gettime(clockid_t clock, struct timespec *ts) {
    static int (*real)(clockid_t, struct timespec *) = NULL;
    if (clock_broken) {
        errno = EINVAL;
        return -1;
    }
    if (real == NULL) {
        *(void **)(&real) = dlsym(RTLD_NEXT, "clock_gettime");
    }
    return real(clock, ts);
}

static int passed = 0, failed = 0;

/* Checks that `reply` contains `needle` (and `needle2` unless NULL), then frees it. */
static void expect(const char *what, char *reply, const char *needle, const char *needle2) {
    int ok = reply != NULL && strstr(reply, needle) != NULL &&
             (needle2 == NULL || strstr(reply, needle2) != NULL);
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL %s: expected %s%s%s in %s\n", what, needle, needle2 ? " and " : "",
                needle2 ? needle2 : "", reply ? reply : "(NULL)");
    }
    tt_string_free(reply);
}

static const char *SEND = "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"hi\"}";
static const char *PANIC = "\"code\":\"90004\"";

int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : "http://127.0.0.1:9";
    char config[512];
    snprintf(config, sizeof config,
             "{\"sendtalk\": {\"base_url\": \"%s\", \"api_key\": \"k\"}, \"timeout_ms\": 2000}", url);
    char *error = NULL;
    TtClient *client = tt_client_new(config, &error);
    if (client == NULL) {
        fprintf(stderr, "FAIL tt_client_new: %s\n", error ? error : "(NULL)");
        tt_string_free(error);
        return 1;
    }

    clock_broken = 1;
    /* Through each guard a send can take: the operation export, tt_call and tt_request. */
    expect("operation export", tt_sendtalk_send_whatsapp(client, SEND), PANIC, "\"status\":500");
    expect("tt_call", tt_call(client, "sendtalk_send_whatsapp", SEND, NULL), PANIC, NULL);
    expect("tt_request", tt_request(client, "sendtalk", "POST", "/api/v1/message/send_whatsapp", SEND, NULL),
           PANIC, NULL);
    clock_broken = 0;

    /* The process is alive and the client still answers: a local refusal, then (with a
     * server) a send that goes through. */
    expect("after: validation", tt_sendtalk_send_whatsapp(client, "{\"messageType\": \"fax\"}"), "\"code\":\"40002\"",
           NULL);
    if (argc > 1) {
        expect("after: send", tt_sendtalk_send_whatsapp(client, SEND), "\"status\":200", NULL);
    }
    tt_client_free(client);
    printf("c panic probe: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
