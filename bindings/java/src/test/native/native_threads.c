/* Test-only JNI library (built by scripts/test-java.sh, loaded by NativeThreadTest and
 * OperationTableTest). It calls libtaptalk from threads the JVM has never seen, as the C or
 * C++ part of an Android app would: the log listener and the platform verifier then run on
 * those threads, so the library must attach them to the JVM for the call into Java and
 * detach them after. And it reads the library's own operation table (tt_operations(), which
 * the binding has no JNI entry for), so the Java test compares the typed methods with it.
 *
 * It uses the very libtaptalk.so instance the JVM loaded (dlopen with RTLD_NOLOAD fails
 * unless that file is already loaded), so the listener and verifier registered from Java
 * are the ones these threads reach. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jni.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "taptalk.h"

#define MAX_THREADS 16

struct api {
    __typeof__(&tt_client_new) client_new;
    __typeof__(&tt_client_free) client_free;
    __typeof__(&tt_call) call;
    __typeof__(&tt_string_free) string_free;
};

struct job {
    const struct api *api;
    const TtClient *client;
    const char *request;
    char *reply; /* malloc'd copy, or NULL */
};

static void *run(void *arg) {
    struct job *job = arg;
    char *reply = job->api->call(job->client, "sendtalk_send_whatsapp", job->request, NULL);
    job->reply = reply ? strdup(reply) : NULL;
    job->api->string_free(reply);
    return NULL;
}

/* Makes one client from `config`, sends `request` once from each of `threads` new native
 * threads at the same time, and answers the replies, one per line; or a line starting with
 * "error:". */
JNIEXPORT jstring JNICALL Java_io_taptalk_sdk_NativeThreadTest_sendFromNewNativeThreads(
    JNIEnv *env, jclass cls, jstring library, jstring config, jstring request, jint threads) {
    (void)cls;
    char out[MAX_THREADS * 1024 + 64] = "";
    const char *path = (*env)->GetStringUTFChars(env, library, NULL);
    void *handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    (*env)->ReleaseStringUTFChars(env, library, path);
    if (!handle) {
        snprintf(out, sizeof out, "error: libtaptalk is not loaded in this process: %s", dlerror());
        return (*env)->NewStringUTF(env, out);
    }
    struct api api = {
        (__typeof__(api.client_new))dlsym(handle, "tt_client_new"),
        (__typeof__(api.client_free))dlsym(handle, "tt_client_free"),
        (__typeof__(api.call))dlsym(handle, "tt_call"),
        (__typeof__(api.string_free))dlsym(handle, "tt_string_free"),
    };
    if (!api.client_new || !api.client_free || !api.call || !api.string_free || threads < 1 ||
        threads > MAX_THREADS) {
        dlclose(handle);
        return (*env)->NewStringUTF(env, "error: missing exports or a bad thread count");
    }
    const char *config_text = (*env)->GetStringUTFChars(env, config, NULL);
    char *error = NULL;
    TtClient *client = api.client_new(config_text, &error);
    (*env)->ReleaseStringUTFChars(env, config, config_text);
    if (!client) {
        snprintf(out, sizeof out, "error: %s", error ? error : "no client");
        api.string_free(error);
        dlclose(handle);
        return (*env)->NewStringUTF(env, out);
    }
    const char *request_text = (*env)->GetStringUTFChars(env, request, NULL);
    struct job jobs[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    int started = 0;
    for (int i = 0; i < threads; i++) {
        jobs[i] = (struct job){&api, client, request_text, NULL};
        if (pthread_create(&ids[i], NULL, run, &jobs[i]) != 0) break;
        started++;
    }
    for (int i = 0; i < started; i++) {
        pthread_join(ids[i], NULL);
        size_t used = strlen(out);
        snprintf(out + used, sizeof out - used, "%s\n", jobs[i].reply ? jobs[i].reply : "(null)");
        free(jobs[i].reply);
    }
    if (started < threads) {
        size_t used = strlen(out);
        snprintf(out + used, sizeof out - used, "error: only %d threads started\n", started);
    }
    (*env)->ReleaseStringUTFChars(env, request, request_text);
    api.client_free(client);
    dlclose(handle);
    return (*env)->NewStringUTF(env, out);
}

/* tt_operations() of the libtaptalk.so the JVM loaded from `library`: the JSON array, or a
 * string starting with "error:". */
JNIEXPORT jstring JNICALL Java_io_taptalk_sdk_OperationTableTest_operationsJson(JNIEnv *env, jclass cls,
                                                                                 jstring library) {
    (void)cls;
    const char *path = (*env)->GetStringUTFChars(env, library, NULL);
    void *handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    (*env)->ReleaseStringUTFChars(env, library, path);
    if (!handle) return (*env)->NewStringUTF(env, "error: libtaptalk is not loaded in this process");
    __typeof__(&tt_operations) operations = (__typeof__(operations))dlsym(handle, "tt_operations");
    jstring table = (*env)->NewStringUTF(env, operations ? operations() : "error: no tt_operations");
    dlclose(handle);
    return table;
}
