package shelf.config;

import java.io.Serializable;

/**
 * How much of its log a node (or a client) keeps on disk, from {@code nodes.properties}: {@code log.max.bytes} (default
 * 64 MiB). The log ({@code logs/node-<id>.log}) rolls when it reaches a quarter of that: it becomes {@code .log.1}, the
 * older ones move up to {@code .log.3}, and the oldest goes. Under load a node writes a line per client request (a few
 * hundred KB a second at a benchmark's rate), so a log that never rolled would fill the disk of a node left running.
 * The size is looked at once a second, so a file may pass its quarter by a second of lines.
 *
 * @param maxBytes the most a node's log and its rolled copies take on disk
 */
public record LogSettings(long maxBytes) implements Serializable {
    public static final String MAX_BYTES = "log.max.bytes";
    public static final LogSettings DEFAULTS = new LogSettings(64L * 1024 * 1024);
    /** The rolled copies kept beside the current file. */
    public static final int ROLLED = 3;
    /** Less would roll every few seconds under load. */
    static final long MIN_BYTES = 64 * 1024;

    /** The size at which the current file rolls: its share of {@link #maxBytes}. */
    public long fileBytes() {
        return maxBytes / (ROLLED + 1);
    }

    /** The settings with {@code log.max.bytes=value}. */
    static LogSettings of(String value, String where) throws ConfigException {
        return new LogSettings(EventSettings.byteCount(MAX_BYTES, value, where, MIN_BYTES));
    }
}
