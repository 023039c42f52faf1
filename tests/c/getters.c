/*
 * The reply getters as a table: envelopes and JSON Pointers (present, absent, arrays,
 * escapes, non-string values, NULL, garbage) with the exact answer each must give.
 * Run under valgrind by tests/c_abi/getters.rs: every returned string is freed, nothing leaks.
 */
#include <stdio.h>
#include <string.h>

#include "taptalk.h"

#define OK_REPLY                                                                                   \
    "{\"status\":200,\"error\":{\"code\":\"\",\"message\":\"\",\"field\":\"\"},"                  \
    "\"data\":{\"id\":\"m-1\",\"cases\":[{\"id\":\"C1\",\"topicID\":7,\"isJunk\":false},"           \
    "{\"id\":\"C2\",\"agentRemark\":null}],\"hasMore\":true,\"lastTimestamp\":1700000000000,"      \
    "\"price\":1.50,\"quote\":\"a \\\"b\\\" \\\\ c\",\"lines\":\"x\\ny\\tz\",\"accent\":\"caf\\u00e9\","  \
    "\"emoji\":\"\\ud83d\\ude00\",\"slash\":\"\\/\",\"a/b\":\"slash key\",\"m~n\":\"tilde key\","    \
    "\"\":\"empty key\",\"empty\":\"\",\"nested\":{ \"k\" : [ 1 , 2 ] },\"list\":[],"                \
    "\"nul\":\"a\\u0000b\",\"dup\":1,\"dup\":2}}"

#define ERROR_REPLY                                                                                \
    "{\"status\":400,\"error\":{\"code\":\"40002\",\"message\":\"phone is required\","             \
    "\"field\":\"phone\"},\"data\":{}}"

struct get_case {
    const char *reply;
    const char *pointer;
    const char *want; /* NULL: the getter must answer NULL */
};

static const struct get_case GETS[] = {
    /* present: strings decoded */
    {OK_REPLY, "/data/id", "m-1"},
    {OK_REPLY, "/data/cases/0/id", "C1"},
    {OK_REPLY, "/data/cases/1/id", "C2"},
    {OK_REPLY, "/error/code", ""},
    {OK_REPLY, "/data/empty", ""},
    {ERROR_REPLY, "/error/code", "40002"},
    {ERROR_REPLY, "/error/message", "phone is required"},
    {ERROR_REPLY, "/error/field", "phone"},
    /* escapes inside strings */
    {OK_REPLY, "/data/quote", "a \"b\" \\ c"},
    {OK_REPLY, "/data/lines", "x\ny\tz"},
    {OK_REPLY, "/data/accent", "caf\xc3\xa9"},
    {OK_REPLY, "/data/emoji", "\xf0\x9f\x98\x80"},
    {OK_REPLY, "/data/slash", "/"},
    /* escapes inside the pointer */
    {OK_REPLY, "/data/a~1b", "slash key"},
    {OK_REPLY, "/data/m~0n", "tilde key"},
    {OK_REPLY, "/data/", "empty key"},
    /* non-string values: their JSON text as written */
    {OK_REPLY, "/status", "200"},
    {OK_REPLY, "/data/cases/0/topicID", "7"},
    {OK_REPLY, "/data/cases/0/isJunk", "false"},
    {OK_REPLY, "/data/hasMore", "true"},
    {OK_REPLY, "/data/cases/1/agentRemark", "null"},
    {OK_REPLY, "/data/lastTimestamp", "1700000000000"},
    {OK_REPLY, "/data/price", "1.50"},
    {OK_REPLY, "/data/nested", "{ \"k\" : [ 1 , 2 ] }"},
    {OK_REPLY, "/data/nested/k/1", "2"},
    {OK_REPLY, "/data/list", "[]"},
    {OK_REPLY, "/data/cases/0", "{\"id\":\"C1\",\"topicID\":7,\"isJunk\":false}"},
    {ERROR_REPLY, "/data", "{}"},
    {ERROR_REPLY, "", ERROR_REPLY},
    {"\"just a string\"", "", "just a string"},
    {" [10, 20] ", "/1", "20"},
    {OK_REPLY, "/data/dup", "2"}, /* the last of repeated keys, as a full parse */
    /* absent */
    {OK_REPLY, "/data/missing", NULL},
    {OK_REPLY, "/data/cases/2", NULL},
    {OK_REPLY, "/data/cases/0/id/x", NULL},
    {OK_REPLY, "/data/list/0", NULL},
    {OK_REPLY, "/data/id/0", NULL},
    {ERROR_REPLY, "/data/id", NULL},
    /* malformed pointers */
    {OK_REPLY, "data/id", NULL},
    {OK_REPLY, "/data/cases/01", NULL},
    {OK_REPLY, "/data/cases/-", NULL},
    {OK_REPLY, "/data/cases/+1", NULL},
    {OK_REPLY, "/data/cases/1e0", NULL},
    {OK_REPLY, "/data/m~2n", NULL},
    {OK_REPLY, "/data/m~", NULL},
    /* a string holding U+0000 cannot be a C string */
    {OK_REPLY, "/data/nul", NULL},
    /* NULL and garbage */
    {NULL, "/data/id", NULL},
    {OK_REPLY, NULL, NULL},
    {NULL, NULL, NULL},
    {"", "", NULL},
    {"not json", "", NULL},
    {"{\"status\":200,", "/status", NULL},
    {"{\"a\":1} trailing", "/a", NULL},
    {"{\"a\":\"\xff\xfe\"}", "/a", NULL},  /* invalid UTF-8 in the reply */
    {OK_REPLY, "/data/\xff", NULL},         /* invalid UTF-8 in the pointer */
    {"[[[[[[[[[[", "/0", NULL}, /* unbalanced */
};

struct status_case {
    const char *reply;
    int32_t status; /* tt_reply_status */
    int ok;         /* tt_reply_ok */
};

static const struct status_case STATUSES[] = {
    {OK_REPLY, 200, 1},
    {ERROR_REPLY, 400, 0},
    {"{\"status\":200,\"error\":{\"code\":\"40401\"},\"data\":{}}", 200, 0}, /* 200 with a code */
    {"{\"status\":200,\"error\":{}}", 200, 1},                              /* code absent */
    {"{\"status\":504,\"error\":{\"code\":\"91001\",\"message\":\"timeout\",\"field\":\"\"}}", 504, 0},
    {"{\"status\":200}", -1, 0},                       /* no error object: not an envelope */
    {"{\"status\":\"200\",\"error\":{}}", -1, 0},       /* status not an integer */
    {"{\"status\":4294967496,\"error\":{}}", -1, 0},    /* does not fit in 32 bits */
    {"[200]", -1, 0},
    {"not json", -1, 0},
    {"", -1, 0},
    {"{\"status\":200,\"error\":{\"code\":\"\xff\"}}", -1, 0}, /* invalid UTF-8 */
    {NULL, -1, 0},
};

int main(void) {
    int failures = 0, checks = 0;
    for (size_t i = 0; i < sizeof GETS / sizeof GETS[0]; i++) {
        const struct get_case *c = &GETS[i];
        char *got = tt_reply_get(c->reply, c->pointer);
        int same = (got == NULL || c->want == NULL) ? got == c->want : strcmp(got, c->want) == 0;
        checks++;
        if (!same) {
            failures++;
            fprintf(stderr, "FAIL get #%zu pointer %s: got %s, want %s\n", i,
                    c->pointer ? c->pointer : "(NULL)", got ? got : "NULL", c->want ? c->want : "NULL");
        }
        tt_string_free(got);
    }
    for (size_t i = 0; i < sizeof STATUSES / sizeof STATUSES[0]; i++) {
        const struct status_case *c = &STATUSES[i];
        int32_t status = tt_reply_status(c->reply);
        int ok = tt_reply_ok(c->reply);
        checks += 2;
        if (status != c->status || ok != c->ok) {
            failures++;
            fprintf(stderr, "FAIL status #%zu: status %d ok %d, want %d and %d\n", i, (int)status, ok,
                    (int)c->status, c->ok);
        }
    }
    /* Nesting: read level by level, so depth is not limited by a parser's recursion. */
    static char deep[2 * 20000 + 2];
    for (int depth = 128; depth <= 20000; depth *= 8) {
        memset(deep, 0, sizeof deep);
        memset(deep, '[', depth);
        deep[depth] = '1';
        memset(deep + depth + 1, ']', depth);
        char *got = tt_reply_get(deep, "/0/0/0");
        checks++;
        if (got == NULL || strncmp(got, "[[[", 3) != 0 || strlen(got) != (size_t)(2 * depth - 5)) {
            failures++;
            fprintf(stderr, "FAIL depth %d: got %s\n", depth, got ? "another value" : "NULL");
        }
        tt_string_free(got);
    }

    /* Getters read envelopes the library itself made, local errors included. */
    char *local = tt_call(NULL, "sendtalk.get_status", "{}", NULL);
    char *code = tt_reply_get(local, "/error/code");
    checks++;
    if (tt_reply_status(local) != 400 || tt_reply_ok(local) != 0 || code == NULL || strcmp(code, "90001") != 0) {
        failures++;
        fprintf(stderr, "FAIL local envelope: %s\n", local);
    }
    tt_string_free(code);
    tt_string_free(local);

    printf("getters: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
