package io.taptalk.sdk;

/**
 * Receives the library's log lines (see {@link TapTalk#setLogListener}).
 *
 * <pre>{@code
 * TapTalk.setLogListener((level, target, message) -> Log.i("taptalk", message), TapTalk.LOG_INFO);
 * }</pre>
 *
 * Runs on the thread that made the call, possibly on many threads at once; it must not call
 * back into the library and should return quickly. Lines never carry keys, relay headers or
 * message bodies; phone numbers are masked. An exception it throws is dropped with the line.
 */
public interface LogListener {
    /**
     * One line.
     *
     * @param level 1 error, 2 warn, 3 info, 4 debug, 5 trace
     * @param target always "taptalk"
     * @param message the line
     */
    void log(int level, String target, String message);
}
