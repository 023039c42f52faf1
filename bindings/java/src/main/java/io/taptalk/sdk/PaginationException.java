package io.taptalk.sdk;

/**
 * 92001: paging the updated cases cannot progress: 100 or more cases share one
 * {@code updatedTime} (a page holds at most 100), or the server says {@code hasMore} with an
 * empty page. Nothing was skipped or repeated; {@code data.state} is where the cursor stands.
 */
public class PaginationException extends TapTalkException {
    private static final long serialVersionUID = 1L;

    public PaginationException(Envelope envelope) {
        super(envelope);
    }
}
