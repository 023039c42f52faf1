package io.taptalk.sdk;

/**
 * The server reported a failure of its own (5xxxx, 99999, or status &gt;= 500).
 */
public class ServerException extends TapTalkException {
    private static final long serialVersionUID = 1L;

    public ServerException(Envelope envelope) {
        super(envelope);
    }
}
