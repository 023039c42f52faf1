/*
 * A plain C receiver for TapTalk's webhooks: a tiny HTTP/1.1 server (POSIX sockets, one
 * request per connection) that hands each request's headers and raw body to
 * tt_webhook_parse and answers with the envelope's status.
 *
 *   cargo build
 *   gcc -I include examples/c/webhook_handler.c -L target/debug -ltaptalk \
 *       -Wl,-rpath,"$PWD/target/debug" -o webhook_handler
 *   TAPTALK_CHATBOT_SECRET=... ./webhook_handler 8000        # serve until killed
 *   ./webhook_handler 0 5                                      # any free port, 5 requests
 *
 * POST /taptalk/webhook: the OneTalk organisation webhook (no secret).
 * POST /taptalk/chatbot: a custom chatbot's inbound messages (X-Secret-Key checked against
 *                        $TAPTALK_CHATBOT_SECRET).
 *
 * It answers at once and would do the work afterwards (here: one line on stdout per event,
 * "event <callback> <type> <key>"): TapTalk waits for the reply, retries a callback that is
 * slow or not 2xx, and holds the callbacks queued behind it. A real receiver keeps the keys
 * it has handled and skips a repeat.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "taptalk.h"

#define MAX_REQUEST (1024 * 1024 + 16384) /* the library's 1 MiB body limit, plus headers */

/* Appends `text` (`length` bytes) to `out` as a JSON string's contents. */
static size_t json_escape(char *out, size_t at, size_t cap, const char *text, size_t length) {
    for (size_t i = 0; i < length && at + 7 < cap; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '"' || c == '\\') {
            out[at++] = '\\';
            out[at++] = (char)c;
        } else if (c < 0x20) {
            at += (size_t)snprintf(out + at, cap - at, "\\u%04x", c);
        } else {
            out[at++] = (char)c;
        }
    }
    return at;
}

/* The request's header lines ("Name: value\r\n"...) as {"Name": "value", ...}. A name given
 * twice becomes two members, which the library refuses (it cannot tell which is meant). */
static char *headers_json(const char *lines, size_t length) {
    size_t cap = length * 6 + 16, at = 0;
    char *out = malloc(cap);
    if (out == NULL) return NULL;
    out[at++] = '{';
    const char *end = lines + length;
    for (const char *line = lines; line < end;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        const char *stop = eol ? eol : end;
        const char *colon = memchr(line, ':', (size_t)(stop - line));
        if (colon != NULL) {
            const char *value = colon + 1, *value_end = stop;
            while (value < value_end && (*value == ' ' || *value == '\t')) value++;
            while (value_end > value && (value_end[-1] == '\r' || value_end[-1] == ' ')) value_end--;
            if (at > 1) out[at++] = ',';
            out[at++] = '"';
            at = json_escape(out, at, cap, line, (size_t)(colon - line));
            out[at++] = '"';
            out[at++] = ':';
            out[at++] = '"';
            at = json_escape(out, at, cap, value, (size_t)(value_end - value));
            out[at++] = '"';
        }
        line = eol ? eol + 1 : end;
    }
    out[at++] = '}';
    out[at] = '\0';
    return out;
}

static void answer(int fd, int status, const char *body) {
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     status, status == 200 ? "OK" : "Refused", strlen(body));
    if (write(fd, head, (size_t)n) < 0 || write(fd, body, strlen(body)) < 0) perror("write");
}

/* Reads one request, parses it with the library, answers, and reports the event. */
static void serve(int fd, const char *secret) {
    char *request = malloc(MAX_REQUEST + 1);
    size_t have = 0, body_at = 0, body_length = 0;
    char *blank = NULL;
    if (request == NULL) return;
    for (;;) {
        ssize_t n = read(fd, request + have, MAX_REQUEST - have);
        if (n <= 0) break;
        have += (size_t)n;
        request[have] = '\0';
        if (blank == NULL && (blank = strstr(request, "\r\n\r\n")) != NULL) {
            body_at = (size_t)(blank - request) + 4;
            for (char *h = strchr(request, '\n'); h && h < blank; h = strchr(h + 1, '\n')) {
                if (strncasecmp(h + 1, "Content-Length:", 15) == 0) body_length = strtoul(h + 16, NULL, 10);
            }
        }
        if (blank != NULL && have >= body_at + body_length) break;
        if (have == MAX_REQUEST) break;
    }
    if (blank == NULL) {
        answer(fd, 400, "{}");
        free(request);
        return;
    }
    if (body_at + body_length > have) body_length = have - body_at; /* cut short: parse what came */
    const char *path = strchr(request, ' ');
    int chatbot = path != NULL && strncmp(path + 1, "/taptalk/chatbot ", 17) == 0;
    const char *first_header = strstr(request, "\r\n") + 2;
    char *headers = headers_json(first_header, (size_t)(blank + 2 - first_header));

    char *reply = tt_webhook_parse(headers, (const uint8_t *)request + body_at, body_length,
                                   chatbot ? secret : NULL, NULL);
    int status = tt_reply_status(reply);
    answer(fd, status, status == 200 ? "{}" : reply); /* the refusal says why; never a secret */
    if (tt_reply_ok(reply)) {
        char *callback = tt_reply_get(reply, "/data/callback");
        char *type = tt_reply_get(reply, "/data/type");
        char *key = tt_reply_get(reply, "/data/key");
        printf("event %s %s %s\n", callback, type, key);
        tt_string_free(callback);
        tt_string_free(type);
        tt_string_free(key);
    } else {
        char *code = tt_reply_get(reply, "/error/code");
        printf("refused %d %s\n", status, code);
        tt_string_free(code);
    }
    fflush(stdout);
    tt_string_free(reply);
    free(headers);
    free(request);
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 8000;
    long requests = argc > 2 ? atol(argv[2]) : 0; /* 0: serve until killed */
    const char *secret = getenv("TAPTALK_CHATBOT_SECRET");
    if (secret != NULL && secret[0] == '\0') secret = NULL;

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons((uint16_t)port);
    socklen_t size = sizeof address;
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 16) != 0 ||
        getsockname(listener, (struct sockaddr *)&address, &size) != 0) {
        perror("listen");
        return 1;
    }
    printf("listening on http://127.0.0.1:%d\n", ntohs(address.sin_port));
    fflush(stdout);
    for (long served = 0; requests == 0 || served < requests; served++) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) continue;
        serve(fd, secret);
        close(fd);
    }
    close(listener);
    return 0;
}
