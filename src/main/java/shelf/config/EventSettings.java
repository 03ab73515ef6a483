package shelf.config;

import java.io.Serializable;

/**
 * Whether a node records its events ({@code logs/node-<id>.events.jsonl}) and how much of them it keeps on disk, from
 * {@code nodes.properties}: {@code events=on|off} (default off: they cost a lock cycle about a third, BENCHMARKS.md;
 * clusters made to be watched turn them on), {@code events.max.bytes} (default 32 MiB: the file and its one rotated
 * predecessor, 16 MiB each).
 *
 * @param on       false: no events file, and messages carry no clocks
 * @param maxBytes the most a node's events take on disk
 */
public record EventSettings(boolean on, long maxBytes) implements Serializable {
    public static final String EVENTS = "events";
    public static final String MAX_BYTES = "events.max.bytes";
    public static final EventSettings DEFAULTS = new EventSettings(false, 32L * 1024 * 1024);
    /** Less would rotate every few seconds under load. */
    static final long MIN_BYTES = 64 * 1024;

    /** True when {@code key} is one of these settings. */
    static boolean has(String key) {
        return key.equals(EVENTS) || key.equals(MAX_BYTES);
    }

    /** These settings with {@code key=value} applied. */
    EventSettings with(String key, String value, String where) throws ConfigException {
        if (key.equals(EVENTS)) {
            return switch (value) {
                case "on" -> new EventSettings(true, maxBytes);
                case "off" -> new EventSettings(false, maxBytes);
                default -> throw new ConfigException(where + ": events must be on or off, got '" + value + "'");
            };
        }
        return new EventSettings(on, byteCount(MAX_BYTES, value, where, MIN_BYTES));
    }

    /** The number of bytes {@code key=value} gives, at least {@code min}. */
    static long byteCount(String key, String value, String where, long min) throws ConfigException {
        long bytes;
        try {
            bytes = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": " + key + " must be a whole number of bytes, got '" + value + "'");
        }
        if (bytes < min) {
            throw new ConfigException(where + ": " + key + " must be at least " + min + ", got " + bytes);
        }
        return bytes;
    }
}
