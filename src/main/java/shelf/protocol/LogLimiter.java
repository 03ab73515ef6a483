package shelf.protocol;

/**
 * Keeps one kind of log line from flooding the log when a peer repeats a message: at most {@code linesPerWindow}
 * lines per {@code windowMs}; the rest are counted, and the next line let through says how many were left out
 * ({@link #suppressedNote}). A flood of 180,000 forged messages thus costs a few lines, not megabytes.
 *
 * <p>Protocol thread only (no locks); no allocation on {@link #admit}. Times are the node's clock in milliseconds.
 */
public final class LogLimiter {
    private final int linesPerWindow;
    private final long windowMs;
    private boolean started;
    private long windowStart;
    private int used;
    private long suppressed;

    /**
     * Lines of one kind of frequent lock event (a request, a grant, a release) per {@link #BUSY_WINDOW_MS}: each is logged
     * while they come at a human pace; under load ({@code admin cycles}, a benchmark) the INFO log keeps these few and
     * counts the rest; the events file has every message.
     */
    public static final int BUSY_LINES = 10;
    public static final long BUSY_WINDOW_MS = 10_000;

    /** A limiter for a frequent lock event: {@link #BUSY_LINES} per {@link #BUSY_WINDOW_MS}. */
    public static LogLimiter busy() {
        return new LogLimiter(BUSY_LINES, BUSY_WINDOW_MS);
    }

    public LogLimiter(int linesPerWindow, long windowMs) {
        this.linesPerWindow = linesPerWindow;
        this.windowMs = windowMs;
    }

    /** True when a line may be logged at {@code now}; false counts it as suppressed. */
    public boolean admit(long now) {
        if (!started || now - windowStart >= windowMs) {
            started = true;
            windowStart = now;
            used = 0;
        }
        if (used < linesPerWindow) {
            used++;
            return true;
        }
        suppressed++;
        return false;
    }

    /** Counts a line as suppressed without logging it (a repeat that carries nothing new). */
    public void suppress() {
        suppressed++;
    }

    /**
     * The lines left out since the last one logged, as a suffix for the line about to be logged ({@code ""} when none,
     * else {@code " (suppressed N similar)"}); resets the count.
     */
    public String suppressedNote() {
        if (suppressed == 0) {
            return "";
        }
        String note = " (suppressed " + suppressed + " similar)";
        suppressed = 0;
        return note;
    }
}
