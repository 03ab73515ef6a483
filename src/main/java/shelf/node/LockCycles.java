package shelf.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import shelf.api.UnavailableException;
import shelf.fencing.FencingToken;

/**
 * The lock benchmark's load ({@code AdminService.lockCycles}): takes and releases the cluster lock back to back through
 * {@link Node#holdLock} with zero-length holds, and times each cycle from asking to releasing.
 *
 * <p>Each cycle is asked for from the completion of the previous one. A hold completes on the node's protocol thread,
 * in the task that releases the lock, and a hold asked for there is queued within that task: the next request leaves
 * with the release (one call to the coordinator for both), and no thread wakes up between cycles. Started from any
 * thread (an RMI thread); a hold completed before its callback could be attached (the whole cycle ran on the calling
 * thread, as on an idle coordinator) is followed by the next one in a loop, not a deeper call.
 *
 * <p>{@link #await} gives each cycle its own deadline (a run on a busy machine is slow, not stuck) and the whole run
 * one of its length. A run it gives up on goes on to its end, as before it had these deadlines: a cycle the node is
 * waiting for when the caller stops waiting is still granted and released, and the tests that kill a node mid-run
 * rely on its cycles going on.
 */
public final class LockCycles {
    private final Node node;
    private final long[] latencies;
    private final CompletableFuture<long[]> done = new CompletableFuture<>();
    /** Cycles completed: written with a release store (lazySet), no fence on the protocol thread's path. */
    private final AtomicInteger completed = new AtomicInteger();

    private LockCycles(Node node, int cycles) {
        this.node = node;
        this.latencies = new long[cycles];
    }

    /**
     * Runs {@code cycles} cycles on {@code node}.
     *
     * @return each cycle's time from asking to releasing, in nanoseconds
     */
    public static CompletableFuture<long[]> run(Node node, int cycles) {
        return start(node, cycles).done;
    }

    /** Starts {@code cycles} cycles on {@code node}; {@link #await} waits for them. */
    public static LockCycles start(Node node, int cycles) {
        LockCycles run = new LockCycles(node, cycles);
        run.from(0);
        return run;
    }

    /** The cycles completed so far. */
    public int completed() {
        return completed.get();
    }

    /**
     * Waits for the run: each cycle's time from asking to releasing, in nanoseconds.
     *
     * @param who      names the node in an error, as {@code "node 5"}
     * @param cycleMs  how long one cycle may take: no cycle completed for as long ends the wait
     * @param runMs    how long the whole run may take
     * @throws UnavailableException when a cycle or the run took too long, or a cycle failed as the node explains
     */
    public long[] await(String who, long cycleMs, long runMs) throws UnavailableException {
        long started = System.nanoTime();
        int seen = 0;
        try {
            while (true) {
                long left = runMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                try {
                    return done.get(Math.max(0, Math.min(cycleMs, left)), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    int now = completed.get();
                    if (now == seen) {
                        throw new UnavailableException(who + " got no grant of the cluster lock within " + cycleMs
                                + " ms (cycle " + (now + 1) + " of " + latencies.length + ")");
                    }
                    if (left <= cycleMs) {
                        throw new UnavailableException(who + " did " + now + " of " + latencies.length
                                + " lock cycles in " + runMs + " ms (the machine is busy?)");
                    }
                    seen = now;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(who + " was interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UnavailableException u ? u
                    : new UnavailableException(who + " could not run the lock cycles: " + e.getCause());
        }
    }

    private void from(int first) {
        for (int i = first; i < latencies.length; i++) {
            long started = System.nanoTime();
            CompletableFuture<FencingToken> released = node.holdLock(0);
            if (!released.isDone()) {
                int cycle = i;
                released.whenComplete((token, failed) -> {
                    latencies[cycle] = System.nanoTime() - started;
                    completed.lazySet(cycle + 1);
                    from(cycle + 1); // on the protocol thread, which completes the hold
                });
                return;
            }
            latencies[i] = System.nanoTime() - started;
            completed.lazySet(i + 1);
        }
        done.complete(latencies);
    }
}
