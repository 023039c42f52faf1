package io.taptalk.sdk;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * The {@link CompletableFuture} of one asynchronous call ({@code client.sendtalkSendWhatsappAsync(...)},
 * {@code callAsync}, {@code callManyAsync}), whose {@link #cancel(boolean) cancel(true)}
 * cancels the native call.
 *
 * <pre>{@code
 * TapTalkFuture<String> sent = client.sendtalkSendWhatsappAsync(request);
 * sent.thenAccept(data -> ...);          // or get(), join(), orTimeout(...) on Java 9+
 * sent.cancel(true);                      // e.g. the screen closed
 * Envelope reply = sent.reply().join();   // what the cancelled call answered
 * if (reply.isMaybeDelivered()) { ... }   // a send may have gone out: do not repeat it blindly
 * }</pre>
 *
 * The future completes with the reply's {@code data} as JSON text, or exceptionally with the
 * {@link TapTalkException} subclass matching {@code error.code}.
 *
 * <p><b>Cancelling.</b> {@code cancel(true)} completes this future with a
 * {@link java.util.concurrent.CancellationException} at once, and cancels the native call
 * through the core ({@code tt_cancel}): it comes back within about 50 ms, and {@link #reply()}
 * completes with what it answered: 91012 with {@code data.maybe_sent} false when nothing had
 * been written (nothing reached the server), 91012 with {@code maybe_sent} true for a read that
 * may have reached it, and for a <b>send already written 91010</b> (outcome unknown,
 * {@code data.cause} "91012"): it may have been delivered, and the library never repeats it.
 * A call cancelled before the executor ran it answers "not sent" without touching the network.
 * {@code cancel(false)} completes this future the same way but lets a call already running
 * finish ({@link #reply()} then has its real answer). Only this future cancels the call:
 * cancelling a stage made from it ({@code thenApply(...)}) does not reach back.
 */
public final class TapTalkFuture<T> extends CompletableFuture<T> {
    private final CompletableFuture<Envelope> reply = new CompletableFuture<>();
    /** The native cancellation handle while the call may still use it; 0 once freed. */
    private long cancel;
    private boolean started;

    private TapTalkFuture() {
        cancel = Native.cancelNew();
    }

    /**
     * Runs {@code call} (given the cancellation handle, answering the native envelope) on
     * {@code executor}; this future completes with {@code result} of the envelope, or with the
     * exception it throws.
     */
    static <T> TapTalkFuture<T> start(Executor executor, LongFunction<Envelope> call, Function<Envelope, T> result) {
        TapTalkFuture<T> future = new TapTalkFuture<>();
        try {
            executor.execute(() -> future.run(call, result));
        } catch (RejectedExecutionException e) {
            future.release();
            future.reply.completeExceptionally(e);
            future.completeExceptionally(e);
        }
        return future;
    }

    /** A future already failed with {@code error} (a request that could not be written). */
    static <T> TapTalkFuture<T> failed(TapTalkException error) {
        TapTalkFuture<T> future = new TapTalkFuture<>();
        future.release();
        future.reply.complete(error.getEnvelope());
        future.completeExceptionally(error);
        return future;
    }

    private void run(LongFunction<Envelope> call, Function<Envelope, T> result) {
        long handle;
        synchronized (this) {
            started = true;
            handle = cancel;
        }
        Envelope envelope;
        try {
            envelope = call.apply(handle);
        } catch (RuntimeException | Error e) {
            release();
            reply.completeExceptionally(e);
            completeExceptionally(e);
            throw e;
        }
        release();
        reply.complete(envelope);
        try {
            complete(result.apply(envelope));
        } catch (RuntimeException e) {
            completeExceptionally(e);
        }
    }

    /** Frees the native handle once the call no longer uses it (cancel() checks under the same lock). */
    private synchronized void release() {
        if (cancel != 0) {
            Native.cancelFree(cancel);
            cancel = 0;
        }
    }

    /**
     * Completes this future with a {@link java.util.concurrent.CancellationException} and, with
     * {@code mayInterruptIfRunning} (or when the call has not started yet), cancels the native
     * call; see the class documentation for what it answers then ({@link #reply()}).
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        synchronized (this) {
            if (cancel != 0 && (mayInterruptIfRunning || !started)) {
                Native.cancel(cancel);
            }
        }
        return super.cancel(mayInterruptIfRunning);
    }

    /**
     * What the native call answered, once it has returned, whether this future completed
     * normally, exceptionally or was cancelled: the envelope of a success, of a failure, or of
     * the cancellation (91012, or 91010 for a send already written).
     */
    public CompletableFuture<Envelope> reply() {
        return reply.thenApply(envelope -> envelope); // a view: completing it changes nothing here
    }
}
