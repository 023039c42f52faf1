package io.taptalk.sdk;

/**
 * Every OneTalk case created or updated since a time, each delivered exactly once, whatever
 * the server means by {@code since_timestamp} and wherever it ends a page. The paging logic is
 * the native library's ({@code tt_case_cursor_*}); this class only holds the handle.
 *
 * <pre>{@code
 * try (CaseCursor cursor = new CaseCursor(savedState != null ? savedState : "{\"since_timestamp\": 0}")) {
 *     String data;
 *     while (!(data = cursor.nextCase(client)).startsWith("{\"case\":null")) {
 *         handle(data);                 // {"case":{...},"hasMore":...,"requests":...}
 *         savedState = cursor.state();  // save with what you did with the case
 *     }
 * }
 * }</pre>
 *
 * The cursor holds no client: each fetching call takes one (used under its read lock, so a
 * cursor may outlive any client). Methods are synchronized: calls from several threads are
 * safe but run one at a time. {@link #close()} is idempotent; after it the throwing methods
 * throw {@link IllegalStateException} and the raw ones answer a status-400 envelope saying so.
 */
public final class CaseCursor implements AutoCloseable {
    /** Freed (and zeroed) only under this object's monitor, like every call on it. */
    private long cursor;

    /**
     * A cursor for {@code optionsJson}: {@code {"since_timestamp": <Unix ms>, "page_size":
     * 1..100, "seen": {...}, "reading": "auto"}}, or a state saved from {@link #state()}.
     *
     * @throws ValidationException (40002) naming the option at fault, or {@link UsageException}
     *     for null or JSON that does not parse
     */
    public CaseCursor(String optionsJson) {
        String[] error = new String[6];
        long created = Native.cursorNew(optionsJson, error);
        if (created == 0) {
            throw TapTalkException.of(new Envelope(error));
        }
        cursor = created;
    }

    /**
     * The next page of cases not delivered yet, fetched with {@code client}: data JSON
     * {@code {"cases": [...], "hasMore": bool, "requests": n, "state": {...}}}. hasMore false:
     * caught up for now.
     *
     * @throws PaginationException (92001) when 100 or more cases share one updatedTime;
     *     any other {@link TapTalkException} of the request (the cursor is then unchanged)
     */
    public synchronized String nextPage(TapTalkClient client) {
        return orThrow(fetch(client, true));
    }

    /** {@link #nextPage} as the whole reply; never throws a {@link TapTalkException}. */
    public synchronized Envelope nextPageRaw(TapTalkClient client) {
        return orClosed(fetch(client, true));
    }

    /**
     * The next case not delivered yet: data JSON {@code {"case": {...} or null, "hasMore":
     * bool, "requests": n}}; a null case means caught up for now. Throws as {@link #nextPage}.
     */
    public synchronized String nextCase(TapTalkClient client) {
        return orThrow(fetch(client, false));
    }

    /** {@link #nextCase} as the whole reply; never throws a {@link TapTalkException}. */
    public synchronized Envelope nextCaseRaw(TapTalkClient client) {
        return orClosed(fetch(client, false));
    }

    /**
     * Where the cursor stands, as data JSON to save and later pass to
     * {@link #CaseCursor(String)} to resume right after the last case handed out.
     */
    public synchronized String state() {
        requireOpen();
        return stateRaw().dataOrThrow();
    }

    /** {@link #state()} as the whole reply. */
    public synchronized Envelope stateRaw() {
        if (cursor == 0) {
            return closedEnvelope();
        }
        return new Envelope(Native.cursorState(cursor));
    }

    /** Releases the native cursor; waits for a call running on it. Idempotent. */
    @Override
    public synchronized void close() {
        if (cursor != 0) {
            Native.cursorFree(cursor);
            cursor = 0;
        }
    }

    /** True once {@link #close()} has run. */
    public synchronized boolean isClosed() {
        return cursor == 0;
    }

    /** The reply, or null when the client is closed; a closed cursor answers its envelope. */
    private Envelope fetch(TapTalkClient client, boolean page) {
        if (cursor == 0) {
            return closedEnvelope();
        }
        if (client == null) {
            throw new NullPointerException("client");
        }
        long c = cursor;
        return client.withHandle(h -> new Envelope(page ? Native.cursorNextPage(c, h) : Native.cursorNextCase(c, h)));
    }

    private String orThrow(Envelope reply) {
        requireOpen();
        if (reply == null) {
            throw new ClientClosedException(TapTalkClient.closedEnvelope());
        }
        return reply.dataOrThrow();
    }

    private static Envelope orClosed(Envelope reply) {
        return reply == null ? TapTalkClient.closedEnvelope() : reply;
    }

    private void requireOpen() {
        if (cursor == 0) {
            throw new IllegalStateException("The case cursor is closed");
        }
    }

    private static Envelope closedEnvelope() {
        return Envelope.local(400, "", "The case cursor is closed");
    }
}
