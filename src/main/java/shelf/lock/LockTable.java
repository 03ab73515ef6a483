package shelf.lock;

import java.io.Serializable;
import java.util.List;
import shelf.fencing.FencingToken;

/**
 * The coordinator's view of the cluster mutex, as admin tools show it.
 *
 * @param phase          whether this node serves the lock, and whether it is still recovering the table
 * @param holder         the holding node, or -1
 * @param leaseLeftMs    how long the holder's lease runs without renewal
 * @param queue          waiting nodes, first to be granted first
 * @param staleReleases  releases refused because their token was not the current one
 */
public record LockTable(LockPhase phase, long epoch, int holder, FencingToken token, long leaseLeftMs, List<Integer> queue,
                        long grants, long revocations, long staleReleases) implements Serializable {
    @Override
    public String toString() {
        if (phase == LockPhase.INACTIVE) {
            return "lock server inactive (this node is not the coordinator)";
        }
        String held = holder < 0 ? "free"
                : "held by node " + holder + " (token " + token + ", lease " + leaseLeftMs + " ms left)";
        return "lock " + held + ", queue " + queue + ", " + phase.name().toLowerCase(java.util.Locale.ROOT) + " in epoch " + epoch
                + "; grants " + grants + ", revocations " + revocations + ", stale releases " + staleReleases;
    }
}
