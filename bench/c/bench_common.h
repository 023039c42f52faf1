/* Shared by the C contenders of bench/run: a monotonic clock, the sample statistics and the
 * one result line every contender prints:
 *   RESULT<TAB>name<TAB>calls<TAB>threads<TAB>median_ns<TAB>p99_ns<TAB>calls_per_s       */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_BODY "{\"phone\":\"6281212345678\",\"messageType\":\"text\",\"body\":\"Hello from the benchmark\"}"
#define BENCH_PATH "/api/v1/message/send_whatsapp"

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The CA file to trust for an https:// base URL (BENCH_CA), or NULL. */
static inline const char *bench_ca(void) {
    const char *ca = getenv("BENCH_CA");
    return ca && *ca ? ca : NULL;
}

/* BENCH_SUFFIX=TEXT is appended to the row's name (bench/run's ", by name" rows). */
static inline const char *bench_suffix(void) {
    const char *suffix = getenv("BENCH_SUFFIX");
    return suffix ? suffix : "";
}

static inline void report(const char *name, uint64_t *samples, size_t n, uint64_t wall_ns) {
    qsort(samples, n, sizeof *samples, cmp_u64);
    size_t p99 = n * 99 / 100;
    if (p99 >= n) p99 = n - 1;
    printf("RESULT\t%s%s%s\t%zu\t1\t%llu\t%llu\t%.0f\n", name, bench_ca() ? ", HTTPS" : "", bench_suffix(), n,
           (unsigned long long)samples[n / 2], (unsigned long long)samples[p99],
           (double)n * 1e9 / (double)wall_ns);
    fflush(stdout);
}

/* VmRSS of this process in kB, or -1. */
static inline long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) { kb = strtol(line + 6, NULL, 10); break; }
    }
    fclose(f);
    return kb;
}

static inline size_t arg_count(const char *s) {
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || v == 0) { fprintf(stderr, "bad count: %s\n", s); exit(2); }
    return (size_t)v;
}

#endif
