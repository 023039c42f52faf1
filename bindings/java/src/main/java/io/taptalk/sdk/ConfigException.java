package io.taptalk.sdk;

/**
 * 90003: the configuration (or a call's options) was refused; {@link #getField()} names the
 * key, e.g. {@code powertalk.server_key_secret}. The key's value is never repeated.
 */
public class ConfigException extends UsageException {
    private static final long serialVersionUID = 1L;

    public ConfigException(Envelope envelope) {
        super(envelope);
    }
}
