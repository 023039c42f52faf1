/* How long a call takes to come back after tt_cancel, for bench/cancel.sh: ROUNDS calls,
 * each cancelled from another thread AFTER_MS into the call plus a random 0-50 ms (so the
 * cancel lands anywhere in the core's 50 ms wait slices); the time from tt_cancel to the
 * call's return is measured with a monotonic clock.
 *
 *   bench_cancel reply    BASE_URL ROUNDS AFTER_MS   check_whatsapp_phone, the sandbox slow to answer
 *   bench_cancel between  BASE_URL ROUNDS AFTER_MS   get_status after a 503: the wait between attempts
 *   bench_cancel connect  -        ROUNDS AFTER_MS   a connect to a listener whose queue is full
 *
 * Prints: CANCEL<TAB>situation<TAB>C ABI, tt_cancel<TAB>runs<TAB>median_us<TAB>max_us<TAB>codes
 * (codes: the distinct error codes the cancelled calls answered, e.g. 91012).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_common.h"
#include "taptalk.h"

struct canceller {
    TtCancel *handle;
    unsigned after_ms;
    uint64_t cancelled_at;
};

static void *cancel_later(void *arg) {
    struct canceller *c = arg;
    usleep(c->after_ms * 1000u + (unsigned)(rand() % 50000));
    c->cancelled_at = now_ns();
    tt_cancel(c->handle);
    return NULL;
}

/* A listener with a full accept queue: a connect to it waits, as to a silent host. */
static int full_listener(char *url, size_t size) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, len) || listen(fd, 0) ||
        getsockname(fd, (struct sockaddr *)&addr, &len)) {
        perror("listener");
        exit(1);
    }
    for (int i = 0; i < 3; i++) {
        int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(c, (struct sockaddr *)&addr, sizeof addr); /* queued or pending: kept open */
    }
    snprintf(url, size, "http://127.0.0.1:%u", (unsigned)ntohs(addr.sin_port));
    return fd;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s reply|between|connect BASE_URL ROUNDS AFTER_MS\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    size_t rounds = arg_count(argv[3]);
    unsigned after_ms = (unsigned)arg_count(argv[4]);
    char url[256];
    const char *situation, *operation, *request;
    if (strcmp(mode, "connect") == 0) {
        full_listener(url, sizeof url);
        situation = "connecting";
        operation = "sendtalk_send_whatsapp";
        request = BENCH_BODY;
    } else {
        snprintf(url, sizeof url, "%s", argv[2]);
        int between = strcmp(mode, "between") == 0;
        situation = between ? "between attempts" : "waiting on the reply";
        operation = between ? "sendtalk_get_status" : "sendtalk_check_whatsapp_phone";
        request = between ? "{\"id\":\"m1\"}" : "{\"phone\":\"6281212345678\"}";
    }
    char config[1024];
    snprintf(config, sizeof config,
             "{\"sendtalk\":{\"base_url\":\"%s\",\"api_key\":\"sandbox-sendtalk-api-key\"},"
             "\"timeout_ms\":60000,\"connect_timeout_ms\":60000,"
             "\"retry\":{\"max_attempts\":10,\"base_delay_ms\":60000,\"max_delay_ms\":60000,"
             "\"deadline_ms\":600000}}", url);
    char *error = NULL;
    TtClient *client = tt_client_new(config, &error);
    if (!client) { fprintf(stderr, "tt_client_new: %s\n", error); tt_string_free(error); return 1; }

    srand((unsigned)now_ns());
    uint64_t *samples = malloc(rounds * sizeof *samples);
    char codes[256] = "";
    for (size_t i = 0; i < rounds; i++) {
        struct canceller c = {.handle = tt_cancel_new(), .after_ms = after_ms};
        pthread_t thread;
        pthread_create(&thread, NULL, cancel_later, &c);
        char *reply = tt_call_cancellable(client, operation, request, NULL, c.handle);
        uint64_t returned = now_ns();
        pthread_join(thread, NULL);
        samples[i] = returned > c.cancelled_at ? returned - c.cancelled_at : 0;
        char *code = tt_reply_get(reply, "/error/code");
        if (code && !strstr(codes, code) && strlen(codes) + strlen(code) + 2 < sizeof codes) {
            if (*codes) strcat(codes, ",");
            strcat(codes, code);
        }
        tt_string_free(code);
        tt_string_free(reply);
        tt_cancel_free(c.handle);
    }
    qsort(samples, rounds, sizeof *samples, cmp_u64);
    printf("CANCEL\t%s\tC ABI, tt_cancel\t%zu\t%llu\t%llu\t%s\n", situation, rounds,
           (unsigned long long)(samples[(rounds - 1) / 2] / 1000),
           (unsigned long long)(samples[rounds - 1] / 1000), codes);
    free(samples);
    tt_client_free(client);
    return 0;
}
