/*
 * What the C test programs share (in the manner of rustls-ffi's tests/common.h): a check
 * counter, CHECK and EXPECT with the failing line, and the summary line the Rust side reads
 * ("<name>: N checks, M failed"). Header-only: each test program is one translation unit.
 */
#ifndef TAPTALK_TEST_CHECK_H
#define TAPTALK_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "taptalk.h"

static int checks = 0;
static int failures = 0;

/* Counts a check; on failure prints the line and a printf-style message. */
#define CHECK(cond, ...)                                  \
    do {                                                  \
        checks++;                                         \
        if (!(cond)) {                                    \
            fprintf(stderr, "FAIL line %d: ", __LINE__);  \
            fprintf(stderr, __VA_ARGS__);                 \
            fprintf(stderr, "\n");                        \
            failures++;                                   \
        }                                                 \
    } while (0)

/* Checks that `reply` is an envelope carrying error code `code`, then frees it. */
static inline void expect_code(char *reply, const char *code, int line) {
    char needle[64];
    checks++;
    snprintf(needle, sizeof needle, "\"code\":\"%s\"", code);
    if (reply == NULL) {
        fprintf(stderr, "FAIL line %d: NULL reply\n", line);
        failures++;
        return;
    }
    if (strstr(reply, needle) == NULL) {
        fprintf(stderr, "FAIL line %d: expected %s in %s\n", line, code, reply);
        failures++;
    }
    tt_string_free(reply);
}
#define EXPECT(reply, code) expect_code((reply), (code), __LINE__)

/* Prints "<name>: N checks, M failed" and answers main's exit status. */
static inline int check_summary(const char *name) {
    printf("%s: %d checks, %d failed\n", name, checks, failures);
    return failures == 0 ? 0 : 1;
}

#endif
