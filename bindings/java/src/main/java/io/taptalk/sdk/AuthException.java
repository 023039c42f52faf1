package io.taptalk.sdk;

/**
 * The key was missing, invalid, not found or expired, or the action is not permitted:
 * 40001 (the product is not configured, or the key header was missing), 401xx, 403xx and
 * 491xx (49101 not provided, 49102 invalid, 49103 not found, 49106 expired).
 */
public class AuthException extends TapTalkException {
    private static final long serialVersionUID = 1L;

    public AuthException(Envelope envelope) {
        super(envelope);
    }
}
