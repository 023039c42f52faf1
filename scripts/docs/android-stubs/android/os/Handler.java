package android.os;

/** Stub of android.os.Handler (the real signatures) for the docs' Android snippets. */
public class Handler {
    public Handler(Looper looper) {}
    public final boolean post(Runnable r) { r.run(); return true; }
}
