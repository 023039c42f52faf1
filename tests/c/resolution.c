/*
 * Host names as C users meet them, with the lookups and thread creations the library makes
 * counted for real: this program defines getaddrinfo and pthread_create, which take
 * precedence over libc's for the library's calls, count them, and hand over to libc's.
 * Run by tests/c_abi/resolution.rs inside namespaces: a network namespace with only
 * loopback (a name that cannot resolve), or a mount namespace whose /etc/hosts names the
 * test's servers.
 *
 * usage: resolution unresolvable
 *          a send and a read to https://nonexistent.invalid; prints both envelopes.
 *        resolution session <base_url> <dns_cache_ms>
 *          reads commands on stdin: "call N" makes N reads (SendTalk get_status) and prints
 *          "calls=N local=L lookups=X threads=Y" (L: envelopes made locally, 91xxx; X and Y
 *          counted since the start); "quit" ends.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "taptalk.h"

static int lookups = 0;
static int threads = 0;
static pthread_mutex_t counting = PTHREAD_MUTEX_INITIALIZER;

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
    static int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **) = NULL;
    pthread_mutex_lock(&counting);
    lookups++;
    if (real == NULL) {
        *(void **)(&real) = dlsym(RTLD_NEXT, "getaddrinfo");
    }
    pthread_mutex_unlock(&counting);
    return real(node, service, hints, res);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg) {
    static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *) = NULL;
    pthread_mutex_lock(&counting);
    threads++;
    if (real == NULL) {
        *(void **)(&real) = dlsym(RTLD_NEXT, "pthread_create");
    }
    pthread_mutex_unlock(&counting);
    return real(thread, attr, start, arg);
}

static const char *SEND = "{\"phone\": \"6281212345678\", \"messageType\": \"text\", \"body\": \"hi\"}";
static const char *READ = "{\"id\": \"no-such-message\"}";

static TtClient *client_for(const char *url, const char *dns_cache_ms) {
    char config[1024];
    snprintf(config, sizeof config,
             "{\"sendtalk\": {\"base_url\": \"%s\", \"api_key\": \"k\"}, \"dns_cache_ms\": %s,"
             " \"connect_timeout_ms\": 2000, \"timeout_ms\": 5000,"
             " \"retry\": {\"max_attempts\": 3, \"base_delay_ms\": 1, \"max_delay_ms\": 5}}",
             url, dns_cache_ms);
    char *error = NULL;
    TtClient *client = tt_client_new(config, &error);
    if (client == NULL) {
        fprintf(stderr, "tt_client_new: %s\n", error);
        tt_string_free(error);
        exit(2);
    }
    return client;
}

static int unresolvable(void) {
    TtClient *client = client_for("https://nonexistent.invalid", "60000");
    char *send = tt_sendtalk_send_whatsapp(client, SEND);
    char *read = tt_sendtalk_get_status(client, READ);
    printf("%s\n%s\n", send, read);
    tt_string_free(send);
    tt_string_free(read);
    tt_client_free(client);
    return 0;
}

static int session(const char *url, const char *dns_cache_ms) {
    TtClient *client = client_for(url, dns_cache_ms);
    char line[128];
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof line, stdin) != NULL) {
        int n = 0;
        if (sscanf(line, "call %d", &n) == 1) {
            int local = 0;
            for (int i = 0; i < n; i++) {
                char *reply = tt_sendtalk_get_status(client, READ);
                if (strstr(reply, "\"code\":\"91") != NULL) {
                    local++;
                    fprintf(stderr, "%s\n", reply);
                }
                tt_string_free(reply);
            }
            pthread_mutex_lock(&counting);
            printf("calls=%d local=%d lookups=%d threads=%d\n", n, local, lookups, threads);
            pthread_mutex_unlock(&counting);
        } else if (strncmp(line, "quit", 4) == 0) {
            break;
        }
    }
    tt_client_free(client);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "unresolvable") == 0) {
        return unresolvable();
    }
    if (argc == 4 && strcmp(argv[1], "session") == 0) {
        return session(argv[2], argv[3]);
    }
    fprintf(stderr, "usage: resolution unresolvable | session <base_url> <dns_cache_ms>\n");
    return 2;
}
