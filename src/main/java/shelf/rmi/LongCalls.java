package shelf.rmi;

import java.util.concurrent.Callable;

/**
 * Calls that may take longer than this JVM's read timeout ({@link TimeoutClientSocketFactory#setTimeouts}): an
 * operator's hold of the cluster lock for a minute, a run of ten thousand lock cycles. The read timeout tells a paused
 * node from a busy one on a quick call (a client's is the node's request timeout and a grace, 15 s by default); a call
 * that is meant to take long gets that much more, on the calling thread only and while it runs. RMI reads a call's
 * answer on the thread that made the call, and {@link PingAnsweringSocket}, the wrapper of every client socket Shelf
 * makes, applies {@link #readTimeoutMs} before each read.
 */
public final class LongCalls {
    /** The running long call's allowance on this thread, in ms; null when none runs. */
    private static final ThreadLocal<Long> ALLOWANCE = new ThreadLocal<>();

    private LongCalls() {
    }

    /** Runs {@code call} with reads on this thread waiting {@code extraMs} longer than the read timeout. */
    public static <T> T allowing(long extraMs, Callable<T> call) throws Exception {
        if (extraMs < 0) {
            throw new IllegalArgumentException("a call's extra time cannot be negative: " + extraMs);
        }
        Long outer = ALLOWANCE.get();
        ALLOWANCE.set(extraMs);
        try {
            return call.call();
        } finally {
            if (outer == null) {
                ALLOWANCE.remove();
            } else {
                ALLOWANCE.set(outer);
            }
        }
    }

    /**
     * The read timeout for a read on this thread now, on a socket whose own is {@code baseMs}: that plus the running
     * long call's allowance (0, no timeout, stays 0).
     */
    static int readTimeoutMs(int baseMs) {
        Long extra = ALLOWANCE.get();
        return extra == null || baseMs == 0 ? baseMs : (int) Math.min(Integer.MAX_VALUE, baseMs + extra);
    }
}
