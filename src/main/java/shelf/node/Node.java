package shelf.node;

import java.util.concurrent.CompletableFuture;
import shelf.api.NodeStatus;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.Outcome;

/**
 * What the world outside the protocol asks of a node: its RMI adapters (the LibraryService and AdminService
 * implementations), the benchmarks' load ({@link LockCycles}) and the composition root. {@link NodeCore} implements it.
 *
 * <p>Every method may be called from any thread and returns at once: it hands its work to the node's protocol thread.
 * The futures complete on the protocol thread, so a callback attached to one runs there (or on the caller's thread,
 * if the future is already complete) and must not block.
 */
public interface Node {
    int id();

    /** Queues a client operation; the future completes when it is durably applied, refused, or failed (unavailable). */
    CompletableFuture<Outcome> submit(Command command);

    /**
     * Takes the cluster lock like a write would, holds it for {@code millis} without writing, and releases it. The
     * future completes, with the grant's token, on release, on the protocol thread. Asked for on the protocol thread
     * (from such a completion), the hold is queued within that task, so the next request leaves with the release. For
     * operators (to watch the queue and leases) and the lock benchmark. Cancelling the future withdraws a hold still
     * waiting for its grant, or ends a running one now and releases the lock.
     */
    CompletableFuture<FencingToken> holdLock(long millis);

    /** A snapshot of this node, taken on the protocol thread. */
    CompletableFuture<NodeStatus> status();

    /** Starts an election now, unless one is under way. */
    void startElection(String reason);

    /** An operator asked this process to crash: record it (the events file's CRASH_REQUESTED) before the halt. */
    default void crashRequested() {
    }
}
