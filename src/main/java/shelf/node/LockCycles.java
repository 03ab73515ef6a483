package shelf.node;

import java.util.concurrent.CompletableFuture;
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
 */
public final class LockCycles {
    private final Node node;
    private final long[] latencies;
    private final CompletableFuture<long[]> done = new CompletableFuture<>();

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
        LockCycles run = new LockCycles(node, cycles);
        run.from(0);
        return run.done;
    }

    private void from(int first) {
        for (int i = first; i < latencies.length; i++) {
            long started = System.nanoTime();
            CompletableFuture<FencingToken> released = node.holdLock(0);
            if (!released.isDone()) {
                int cycle = i;
                released.whenComplete((token, failed) -> {
                    latencies[cycle] = System.nanoTime() - started;
                    from(cycle + 1); // on the protocol thread, which completes the hold
                });
                return;
            }
            latencies[i] = System.nanoTime() - started;
        }
        done.complete(latencies);
    }
}
