package io.taptalk.sdk;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Library-wide facts and settings: version, where the native library came from, logging.
 *
 * <pre>{@code
 * TapTalk.useJavaUtilLogging(TapTalk.LOG_INFO);   // or setLogListener(...) on Android
 * System.out.println(TapTalk.version());
 * }</pre>
 */
public final class TapTalk {
    /** Log level: a call failed. */
    public static final int LOG_ERROR = 1;
    /** Log level: an attempt failed and will be retried, or a send's outcome is unknown. */
    public static final int LOG_WARN = 2;
    /** Log level: one line per request attempt. */
    public static final int LOG_INFO = 3;
    /** Log level: requests refused locally before any network use. */
    public static final int LOG_DEBUG = 4;
    /** Log level: finer detail (reserved). */
    public static final int LOG_TRACE = 5;

    private TapTalk() {}

    /** The native library's version, "MAJOR.MINOR.PATCH". */
    public static String version() {
        return Native.version();
    }

    /** The ABI version of the loaded library (equal to the binding's, or loading failed). */
    public static int abiVersion() {
        return Native.abiVersion();
    }

    /**
     * Where the library was loaded from: its path, "jar:&lt;resource&gt; as &lt;file&gt;" for the
     * jar's own copy, or "taptalk" for System.loadLibrary.
     */
    public static String librarySource() {
        return Native.SOURCE;
    }

    /**
     * Sends the library's log lines at {@code maxLevel} and more severe to {@code listener}
     * (process-wide; logging is off by default), or stops when {@code listener} is null. The
     * listener runs on the calling thread; a thread the JVM does not know is attached for it.
     */
    public static void setLogListener(LogListener listener, int maxLevel) {
        Native.setLogListener(listener == null ? null : new Guarded(listener), maxLevel);
    }

    /**
     * Makes {@code verifier} decide chain trust for clients configured with
     * {@code "tls": {"verifier": "platform"}} (process-wide), or, with null, the platform's
     * trust store again ({@link PlatformTrust}, which the binding registers when it loads).
     * Once this returns, the previous verifier is no longer called.
     */
    public static void setTlsVerifier(TlsVerifier verifier) {
        Native.setTlsVerifier(new VerifierBridge(verifier == null ? new PlatformTrust.Lazy() : verifier));
    }

    /**
     * Forwards log lines to the {@code java.util.logging} logger "taptalk" (error SEVERE,
     * warn WARNING, info INFO, debug FINE, trace FINER).
     */
    public static void useJavaUtilLogging(int maxLevel) {
        final Logger logger = Logger.getLogger("taptalk");
        setLogListener((level, target, message) -> logger.log(julLevel(level), message), maxLevel);
    }

    static Level julLevel(int level) {
        switch (level) {
            case LOG_ERROR: return Level.SEVERE;
            case LOG_WARN: return Level.WARNING;
            case LOG_INFO: return Level.INFO;
            case LOG_DEBUG: return Level.FINE;
            default: return Level.FINER;
        }
    }

    /** Keeps a listener's exception on the Java side (the native side clears one too). */
    private static final class Guarded implements LogListener {
        private final LogListener inner;

        Guarded(LogListener inner) {
            this.inner = inner;
        }

        @Override
        public void log(int level, String target, String message) {
            try {
                inner.log(level, target, message);
            } catch (RuntimeException e) {
                // Dropped with its line: logging must never break the call that logged.
            }
        }
    }
}
