/* taptalk through the C ABI, one client (one keep-alive pool), one thread.
 *
 *   bench_taptalk send     BASE_URL API_KEY CALLS WARMUP   the SendTalk send, timed per call
 *   bench_taptalk validate BASE_URL API_KEY CALLS WARMUP   a send that fails local validation
 *   bench_taptalk rss      BASE_URL API_KEY CALLS WARMUP   VmRSS after 1,000 and after CALLS sends
 * BENCH_CA=FILE trusts that CA (config tls.ca_file) for an https:// base URL.
 */
#include "bench_common.h"
#include "taptalk.h"

/* messageType "fax" is refused locally (40002, field messageType): no network use. */
#define INVALID_BODY "{\"phone\":\"6281212345678\",\"messageType\":\"fax\",\"body\":\"Hello from the benchmark\"}"
#define OK_PREFIX "{\"status\":200,\"error\":{\"code\":\"\""

static int one_call(const TtClient *client, const char *body, const char *want) {
    char *reply = tt_sendtalk_send_whatsapp(client, body);
    int ok = reply && strstr(reply, want) != NULL;
    if (!ok) fprintf(stderr, "unexpected reply: %s\n", reply ? reply : "(null)");
    tt_string_free(reply);
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s send|validate|rss BASE_URL API_KEY CALLS WARMUP\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    size_t calls = arg_count(argv[4]), warmup = strtoull(argv[5], NULL, 10);
    char config[2048];
    if (bench_ca())
        snprintf(config, sizeof config,
                 "{\"sendtalk\":{\"base_url\":\"%s\",\"api_key\":\"%s\"},\"tls\":{\"ca_file\":\"%s\"}}",
                 argv[2], argv[3], bench_ca());
    else
        snprintf(config, sizeof config, "{\"sendtalk\":{\"base_url\":\"%s\",\"api_key\":\"%s\"}}",
                 argv[2], argv[3]);
    char *error = NULL;
    TtClient *client = tt_client_new(config, &error);
    if (!client) { fprintf(stderr, "tt_client_new: %s\n", error); tt_string_free(error); return 1; }

    int validate = strcmp(mode, "validate") == 0;
    const char *body = validate ? INVALID_BODY : BENCH_BODY;
    const char *want = validate ? "\"code\":\"40002\"" : OK_PREFIX;

    if (strcmp(mode, "rss") == 0) {
        long at_1k = -1;
        for (size_t i = 1; i <= calls; i++) {
            if (!one_call(client, body, want)) return 1;
            if (i == 1000) at_1k = rss_kb();
        }
        printf("RSS\t%ld\t%zu\t%ld\n", at_1k, calls, rss_kb());
        tt_client_free(client);
        return 0;
    }
    if (!validate && strcmp(mode, "send") != 0) { fprintf(stderr, "unknown mode %s\n", mode); return 2; }

    for (size_t i = 0; i < warmup; i++)
        if (!one_call(client, body, want)) return 1;
    uint64_t *samples = malloc(calls * sizeof *samples);
    uint64_t start = now_ns();
    for (size_t i = 0; i < calls; i++) {
        uint64_t t = now_ns();
        if (!one_call(client, body, want)) return 1;
        samples[i] = now_ns() - t;
    }
    report(validate ? "taptalk C, validation only" : "taptalk (C ABI)", samples, calls,
           now_ns() - start);
    free(samples);
    tt_client_free(client);
    return 0;
}
