package android.util;

/** Stub of android.util.Log with the real signature, so that the Android snippets of the
 *  docs compile on a machine without the Android SDK (scripts/docs/snippets.py). */
public final class Log {
    private Log() {}
    public static int i(String tag, String msg) { return 0; }
}
