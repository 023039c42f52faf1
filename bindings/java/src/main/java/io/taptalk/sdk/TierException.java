package io.taptalk.sdk;

/**
 * 499xx: 49900 the OneTalk organisation has not selected a tier; 49901 the feature is not
 * available for the current tier.
 */
public class TierException extends TapTalkException {
    private static final long serialVersionUID = 1L;

    public TierException(Envelope envelope) {
        super(envelope);
    }
}
