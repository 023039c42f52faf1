/*
 * A C pre-fork server's life with one shared client: the parent makes calls (so its pool
 * holds kept-alive connections), keeps four threads calling while it forks, and each child
 * makes calls of its own on the same client; parent and child compare every reply with
 * their own user's answer from before. A child that read a reply meant for the parent (or
 * a parent one meant for a child) counts as crossed; a child that does not finish within 20
 * seconds (a lock left held by a thread that is gone, a connection read by two processes)
 * is killed by its alarm and counts as stalled. Run by tests/c_abi/fork.rs against the
 * sandbox, which keeps connections alive.
 *
 * usage: fork <base_url> <server_key_id> <server_key_secret> <rounds> [dns_cache_ms]
 * (With a host name in base_url and dns_cache_ms 0, every call of parent and child looks the
 * name up: a child must use resolver threads of its own, the parent's do not exist there.)
 * prints "fork: R rounds, C crossed, S stalled, F failed calls" and exits 0 only if all are 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "taptalk.h"

static TtClient *client;
static volatile int stopping = 0;
static int thread_failures[4];

/* The userID the sandbox gives `xc_user_id` (creating it), or NULL after printing why. */
static char *user_id(const char *xc_user_id) {
    char request[256];
    snprintf(request, sizeof request, "{\"xcUserID\": \"%s\", \"fullName\": \"User %s\"}", xc_user_id, xc_user_id);
    char *reply = tt_powertalk_update_user(client, request);
    char *id = tt_reply_ok(reply) ? tt_reply_get(reply, "/data/userID") : NULL;
    if (id == NULL) {
        fprintf(stderr, "[%d] %s: %s\n", getpid(), xc_user_id, reply);
    }
    tt_string_free(reply);
    return id;
}

/* Calls for `xc_user_id` `times` times; answers how many replies were not `expected`. */
static int check(const char *xc_user_id, const char *expected, int times, int *failed) {
    int crossed = 0;
    for (int i = 0; i < times; i++) {
        char *id = user_id(xc_user_id);
        if (id == NULL) {
            (*failed)++;
        } else if (strcmp(id, expected) != 0) {
            fprintf(stderr, "[%d] crossed: %s answered %s, expected %s\n", getpid(), xc_user_id, id, expected);
            crossed++;
        }
        tt_string_free(id);
    }
    return crossed;
}

static void *caller(void *arg) {
    int n = (int)(long)arg;
    char xc[32];
    snprintf(xc, sizeof xc, "thread-%d", n);
    char *own = user_id(xc);
    if (own == NULL) {
        thread_failures[n]++;
        return NULL;
    }
    int failed = 0;
    while (!stopping) {
        thread_failures[n] += check(xc, own, 1, &failed);
    }
    thread_failures[n] += failed;
    tt_string_free(own);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: fork <base_url> <server_key_id> <server_key_secret> <rounds> [dns_cache_ms]\n");
        return 2;
    }
    const char *dns_cache_ms = argc == 6 ? argv[5] : "60000";
    int rounds = atoi(argv[4]);
    char config[1024];
    snprintf(config, sizeof config,
             "{\"powertalk\": {\"base_url\": \"%s\", \"server_key_id\": \"%s\", \"server_key_secret\": \"%s\"},"
             " \"timeout_ms\": 10000, \"dns_cache_ms\": %s, \"retry\": {\"max_attempts\": 1}}",
             argv[1], argv[2], argv[3], dns_cache_ms);
    client = tt_client_new(config, NULL);
    if (client == NULL) {
        fprintf(stderr, "bad config\n");
        return 2;
    }
    char *parent_id = user_id("parent");
    if (parent_id == NULL) {
        return 2;
    }
    pthread_t threads[4];
    for (long t = 0; t < 4; t++) {
        pthread_create(&threads[t], NULL, caller, (void *)t);
    }
    int crossed = 0, stalled = 0, failed = 0;
    for (int round = 0; round < rounds; round++) {
        pid_t child = fork();
        if (child == 0) {
            alarm(20);
            char xc[32];
            snprintf(xc, sizeof xc, "child-%d", round);
            int child_failed = 0;
            char *own = user_id(xc);
            if (own == NULL) {
                _exit(3);
            }
            int child_crossed = check(xc, own, 3, &child_failed) + check("parent", parent_id, 3, &child_failed);
            tt_string_free(own);
            /* Half the children free the client first (its parent's connections and resolver
             * must be let go of without a lock a parent thread may have held); the others just
             * end, as a pre-fork server's child usually does. */
            if (round % 2 == 0) {
                tt_client_free(client);
            }
            _exit(child_crossed > 0 ? 1 : child_failed > 0 ? 3 : 0);
        }
        crossed += check("parent", parent_id, 3, &failed);
        int status = 0;
        waitpid(child, &status, 0);
        if (WIFSIGNALED(status)) {
            fprintf(stderr, "round %d: child killed by signal %d (stalled)\n", round, WTERMSIG(status));
            stalled++;
        } else if (WEXITSTATUS(status) == 1) {
            crossed++;
        } else if (WEXITSTATUS(status) != 0) {
            failed++;
        }
    }
    stopping = 1;
    for (int t = 0; t < 4; t++) {
        pthread_join(threads[t], NULL);
        crossed += thread_failures[t];
    }
    tt_string_free(parent_id);
    tt_client_free(client);
    printf("fork: %d rounds, %d crossed, %d stalled, %d failed calls\n", rounds, crossed, stalled, failed);
    return crossed == 0 && stalled == 0 && failed == 0 ? 0 : 1;
}
