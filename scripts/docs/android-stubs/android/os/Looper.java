package android.os;

/** Stub of android.os.Looper (the real signature) for the docs' Android snippets. */
public final class Looper {
    private Looper() {}
    public static Looper getMainLooper() { return new Looper(); }
}
