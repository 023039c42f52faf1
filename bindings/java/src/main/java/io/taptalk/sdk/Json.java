package io.taptalk.sdk;

import java.lang.reflect.Array;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a request given as a Map (of Maps, Lists, arrays, strings, numbers, booleans, null) as
 * JSON. What cannot be written is the caller's mistake, reported as the binding's documented
 * {@link UsageException} with the library's code for a request that is not JSON (90002),
 * before anything is sent.
 */
final class Json {
    private Json() {}

    /** The JSON text of {@code value}; {@code what} ("request", "configuration") names it in errors. */
    static String write(Object value, String what) {
        StringBuilder out = new StringBuilder();
        try {
            write(out, value, 0);
        } catch (IllegalArgumentException e) {
            throw new UsageException(Envelope.local(400, "90002",
                    "The " + what + " cannot be written as JSON: " + e.getMessage()));
        }
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int depth) {
        if (depth > 128) {
            // The native parser stops at depth 128 too; a cycle would otherwise recurse forever.
            throw new IllegalArgumentException("request is nested more than 128 levels deep (a cycle?)");
        }
        if (value == null) {
            out.append("null");
        } else if (value instanceof CharSequence || value instanceof Character) {
            out.append(quote(value.toString()));
        } else if (value instanceof Boolean) {
            out.append(value.toString());
        } else if (value instanceof Number) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON has no " + value);
            }
            out.append(value.toString());
        } else if (value instanceof Map) {
            out.append('{');
            Iterator<? extends Map.Entry<?, ?>> entries = ((Map<?, ?>) value).entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<?, ?> entry = entries.next();
                out.append(quote(String.valueOf(entry.getKey()))).append(':');
                write(out, entry.getValue(), depth + 1);
                if (entries.hasNext()) {
                    out.append(',');
                }
            }
            out.append('}');
        } else if (value instanceof Iterable) {
            out.append('[');
            Iterator<?> items = ((Iterable<?>) value).iterator();
            while (items.hasNext()) {
                write(out, items.next(), depth + 1);
                if (items.hasNext()) {
                    out.append(',');
                }
            }
            out.append(']');
        } else if (value.getClass().isArray()) {
            out.append('[');
            int length = Array.getLength(value);
            for (int i = 0; i < length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(out, Array.get(value, i), depth + 1);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.append('"').toString();
    }
}
