/*
 * 8 threads x 250 sends (or argv[2]) on one shared client. Each send carries a unique body
 * ("t<thread>-<i>"); tests/c_abi/programs.rs checks at the server that each arrived exactly once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "taptalk.h"

#define THREADS 8

static int sends = 250; /* per thread; argv[2] overrides */
static const TtClient *shared;
static int failed[THREADS];

static void *worker(void *arg) {
    int t = (int)(long)arg;
    char request[256];
    for (int i = 0; i < sends; i++) {
        snprintf(request, sizeof request,
                 "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"t%d-%d\"}", t, i);
        char *reply = tt_sendtalk_send_whatsapp(shared, request);
        if (strstr(reply, "\"status\":200") == NULL) {
            if (failed[t]++ == 0) fprintf(stderr, "thread %d send %d: %s\n", t, i, reply);
        }
        tt_string_free(reply);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    if (argc > 2) sends = atoi(argv[2]);
    char config[256];
    snprintf(config, sizeof config, "{\"sendtalk\": {\"base_url\": \"%s\", \"api_key\": \"k\"}}", argv[1]);
    char *error = NULL;
    TtClient *client = tt_client_new(config, &error);
    if (!client) {
        fprintf(stderr, "%s\n", error);
        tt_string_free(error);
        return 1;
    }
    shared = client;
    pthread_t threads[THREADS];
    for (long t = 0; t < THREADS; t++) pthread_create(&threads[t], NULL, worker, (void *)t);
    int total_failed = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        total_failed += failed[t];
    }
    tt_client_free(client);
    printf("%d sends, %d failed\n", THREADS * sends, total_failed);
    return total_failed ? 1 : 0;
}
