/* What a C user writes instead: one libcurl easy handle reused (keep-alive), the reply
 * collected into a buffer and parsed with cJSON, status checked. BENCH_CA=FILE trusts that
 * CA for an https:// base URL (CURLOPT_CAINFO).
 *
 *   bench_curl BASE_URL API_KEY CALLS WARMUP
 */
#include <curl/curl.h>
#include <cjson/cJSON.h>

#include "bench_common.h"

struct buffer { char *data; size_t len, cap; };

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata) {
    struct buffer *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *p = realloc(b->data, cap);
        if (!p) return 0;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = 0;
    return n;
}

static int one_call(CURL *curl, struct buffer *b) {
    b->len = 0;
    CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) { fprintf(stderr, "curl: %s\n", curl_easy_strerror(rc)); return 0; }
    cJSON *root = cJSON_ParseWithLength(b->data, b->len);
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    int ok = cJSON_IsNumber(status) && status->valueint == 200;
    if (!ok) fprintf(stderr, "unexpected reply: %.*s\n", (int)b->len, b->data);
    cJSON_Delete(root);
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: %s BASE_URL API_KEY CALLS WARMUP\n", argv[0]); return 2; }
    size_t calls = arg_count(argv[3]), warmup = strtoull(argv[4], NULL, 10);
    char url[1024], key[512];
    snprintf(url, sizeof url, "%s%s", argv[1], BENCH_PATH);
    snprintf(key, sizeof key, "API-Key: %s", argv[2]);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, key);
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json");
    struct buffer b = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, BENCH_BODY);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(BENCH_BODY));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    if (bench_ca()) curl_easy_setopt(curl, CURLOPT_CAINFO, bench_ca());

    for (size_t i = 0; i < warmup; i++)
        if (!one_call(curl, &b)) return 1;
    uint64_t *samples = malloc(calls * sizeof *samples);
    uint64_t start = now_ns();
    for (size_t i = 0; i < calls; i++) {
        uint64_t t = now_ns();
        if (!one_call(curl, &b)) return 1;
        samples[i] = now_ns() - t;
    }
    report("libcurl easy + cJSON (C)", samples, calls, now_ns() - start);

    free(samples);
    free(b.data);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    return 0;
}
