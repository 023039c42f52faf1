package io.taptalk.sdk;

/**
 * Hears how far a batch ({@link TapTalkClient#callMany}) has come.
 *
 * <pre>{@code
 * client.callMany("sendtalk_send_whatsapp", requestsJson, "{\"concurrency\": 64}",
 *         (done, total) -> bar.setProgress((int) (100 * done / total)));
 * }</pre>
 *
 * Called on the thread that runs the batch (for {@code callManyAsync}, a thread of the
 * client's executor), after each result, in order, ending with {@code done == total}; never
 * concurrently with itself. It should return quickly (the next report waits for it); an
 * exception it throws loses that report and the batch goes on.
 */
public interface BatchProgress {
    /**
     * @param done how many requests have their result
     * @param total how many requests the batch has
     */
    void progress(long done, long total);
}
