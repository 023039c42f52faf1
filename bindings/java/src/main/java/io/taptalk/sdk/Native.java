package io.taptalk.sdk;

import java.io.File;

/**
 * The JNI entry points, compiled into libtaptalk itself (cargo feature {@code jni}), and the
 * one place that loads it.
 *
 * <p>Search order, first hit wins, and a location that is named but fails is an error (never
 * silently replaced by another copy):
 * <ol>
 *   <li>the system property {@code taptalk.library.path}: the library file's full path;</li>
 *   <li>the environment variable {@code TAPTALK_LIBRARY}: the same (as for the Python package);</li>
 *   <li>the library inside the jar, {@code io/taptalk/sdk/native/linux-<arch>/libtaptalk.so}
 *       ({@link BundledLibrary}: the release jar carries {@code linux-x86_64} and
 *       {@code linux-aarch64}), never on Android;</li>
 *   <li>{@code System.loadLibrary("taptalk")}: on Android the app's
 *       {@code jniLibs/<abi>/libtaptalk.so}; on a desktop JVM {@code java.library.path}.</li>
 * </ol>
 * The library's ABI version must equal {@link #ABI_VERSION}.
 */
final class Native {
    /** The ABI version this binding was written for ({@code TT_ABI_VERSION} in taptalk.h). */
    static final int ABI_VERSION = 1;

    /**
     * Where the library came from: a path, the jar's copy ("jar:<resource> as <file>"), or
     * "taptalk" for System.loadLibrary.
     */
    static final String SOURCE;

    static {
        SOURCE = load();
        int abi;
        try {
            abi = abiVersion();
        } catch (UnsatisfiedLinkError e) {
            throw new UnsatisfiedLinkError("libtaptalk from " + SOURCE
                    + " has no JNI entry points: build it with `cargo build --features jni`");
        }
        if (abi != ABI_VERSION) {
            throw new UnsatisfiedLinkError("libtaptalk from " + SOURCE + " speaks ABI " + abi
                    + ", this binding ABI " + ABI_VERSION + "; use a matching library");
        }
        // So that "tls": {"verifier": "platform"} works from Java without a setup call.
        setTlsVerifier(new VerifierBridge(new PlatformTrust.Lazy()));
    }

    private Native() {}

    private static String load() {
        String path = System.getProperty("taptalk.library.path");
        String origin = "system property taptalk.library.path";
        if (path == null || path.isEmpty()) {
            path = System.getenv("TAPTALK_LIBRARY");
            origin = "TAPTALK_LIBRARY";
        }
        if (path != null && !path.isEmpty()) {
            File file = new File(path);
            try {
                System.load(file.getAbsolutePath());
            } catch (UnsatisfiedLinkError e) {
                UnsatisfiedLinkError error = new UnsatisfiedLinkError(
                        "could not load libtaptalk from " + origin + " (" + path + "): " + e.getMessage());
                error.initCause(e);
                throw error;
            }
            return file.getAbsolutePath();
        }
        String bundled = BundledLibrary.load();
        if (bundled != null) {
            return bundled;
        }
        System.loadLibrary("taptalk");
        return "taptalk";
    }

    static native String version();

    static native int abiVersion();

    /** A client handle, or 0 with the refusal's six parts stored in errorOut. */
    static native long clientNew(String configJson, String[] errorOut);

    static native void clientFree(long handle);

    /** tt_call: {envelope, status, code, message, field, data}. */
    static native String[] call(long handle, String operation, String requestJson, String optionsJson);

    /** tt_request: the same six parts as call. */
    static native String[] request(long handle, String product, String method, String path, String json,
            String optionsJson);

    /** A case cursor handle, or 0 with the refusal's six parts stored in errorOut. */
    static native long cursorNew(String optionsJson, String[] errorOut);

    static native void cursorFree(long cursor);

    /** tt_case_cursor_next_page with a live client handle: the six parts. */
    static native String[] cursorNextPage(long cursor, long client);

    /** tt_case_cursor_next_case with a live client handle: the six parts. */
    static native String[] cursorNextCase(long cursor, long client);

    /** tt_case_cursor_state: the six parts. */
    static native String[] cursorState(long cursor);

    /** tt_cancel_new: a cancellation handle (0 only if allocation failed). */
    static native long cancelNew();

    /** tt_cancel; 0 is ignored. */
    static native void cancel(long cancel);

    /** tt_cancel_free; 0 is ignored. Once, after the call that used it returned. */
    static native void cancelFree(long cancel);

    /** tt_call_cancellable (cancel 0: not cancellable): the six parts. */
    static native String[] callCancellable(long handle, String operation, String requestJson, String optionsJson,
            long cancel);

    /** tt_request_cancellable: the six parts. */
    static native String[] requestCancellable(long handle, String product, String method, String path, String json,
            String optionsJson, long cancel);

    /**
     * tt_call_many_cancellable with listener.progress(long, long) called on this thread after
     * each result (listener null: no progress): the six parts.
     */
    static native String[] callMany(long handle, String operation, String requestsJson, String optionsJson,
            BatchProgress listener, long cancel);

    static native void setLogListener(LogListener listener, int maxLevel);

    /** {@code tt_webhook_parse}: the reply's six parts, as {@link #call} answers. */
    static native String[] webhookParse(String headersJson, byte[] body, String secret, String optionsJson);

    /** {@code tt_reply_get}: the value at a JSON Pointer of an envelope, or null. */
    static native String replyGet(String json, String pointer);

    /** tt_set_tls_verifier over bridge.check(byte[][], String); null removes it. */
    static native void setTlsVerifier(VerifierBridge bridge);
}
