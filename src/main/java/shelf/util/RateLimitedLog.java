package shelf.util;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Warnings that a remote party can provoke at will (refused handshakes and calls, strangers on the client agent's port),
 * at most one line per key (a kind of refusal and a remote address) per window; the next line after a quiet spell says
 * how many were left out. Thread-safe.
 */
public final class RateLimitedLog {
    /** One minute. */
    public static final long WINDOW_NANOS = 60_000_000_000L;
    /** Keys kept at most; beyond, windows that ended are forgotten. */
    private static final int MAX_KEYS = 10_000;

    private final Consumer<String> sink;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** A key's current window: when it started, and how many lines it has left out so far. */
    private static final class Window {
        final long started;
        long suppressed;

        Window(long started) {
            this.started = started;
        }
    }

    /** Lines at WARN on {@code log}. */
    public RateLimitedLog(Logger log) {
        this(log, WINDOW_NANOS, System::nanoTime);
    }

    public RateLimitedLog(Logger log, long windowNanos, LongSupplier nanoTime) {
        this(line -> log.warn("{}", line), windowNanos, nanoTime);
    }

    /** Lines handed to {@code sink} (a log of its own, as the client agent's). */
    public RateLimitedLog(Consumer<String> sink, long windowNanos, LongSupplier nanoTime) {
        this.sink = sink;
        this.windowNanos = windowNanos;
        this.nanoTime = nanoTime;
    }

    /**
     * Writes {@code line} unless a line of {@code key} was written within the window.
     *
     * @return true when the line was logged
     */
    public boolean warn(String key, String line) {
        long now = nanoTime.getAsLong();
        long[] leftOut = {-1};
        windows.compute(key, (k, w) -> {
            if (w != null && now - w.started < windowNanos) {
                w.suppressed++;
                return w;
            }
            leftOut[0] = w == null ? 0 : w.suppressed;
            return new Window(now);
        });
        if (leftOut[0] < 0) {
            return false;
        }
        sink.accept(leftOut[0] == 0 ? line : line + " (" + leftOut[0] + " more like it were not logged in the "
                + (windowNanos == WINDOW_NANOS ? "minute" : windowNanos / 1_000_000 + " ms") + " before)");
        if (windows.size() > MAX_KEYS) {
            windows.values().removeIf(w -> now - w.started >= windowNanos);
        }
        return true;
    }
}
