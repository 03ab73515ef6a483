package shelf.api;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import shelf.election.Role;
import shelf.fencing.FencingToken;
import shelf.lock.LockTable;

/**
 * One node's view of the cluster, for operators ({@code AdminService.status()}).
 *
 * @param coordinator the coordinator this node follows (itself when coordinator), -1 while electing
 * @param epoch       the term this node is in
 * @param peersAlive  peers heard from within the failure timeout
 * @param heldToken   the fencing token of the mutex this node holds, or null
 * @param waitingOps  client operations queued here for the mutex, being appended, or waiting for their fsync
 * @param lock        the lock server's table (meaningful on the coordinator)
 * @param counters    messages sent and received by type ({@code sent.ELECTION}, {@code received.OK}, ...) and
 *                    events ({@code lock.grants}, {@code store.fenced}, ...)
 * @param faults      the faults an operator injected, in one line ({@link Faults#describe}, then the store's), or
 *                    {@code "none"}
 */
public record NodeStatus(int id, Role role, int coordinator, long epoch, List<Integer> peersAlive, FencingToken heldToken,
                         int waitingOps, LockTable lock, Map<String, Long> counters, String faults)
        implements Serializable {

    /** This status with {@code line} as its faults. */
    public NodeStatus withFaults(String line) {
        return new NodeStatus(id, role, coordinator, epoch, peersAlive, heldToken, waitingOps, lock, counters, line);
    }

    /** The lock holder as the coordinator sees it, or -1. */
    public int lockHolder() {
        return lock.holder();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append("node ").append(id).append(": ").append(role);
        s.append(role == Role.COORDINATOR ? "" : coordinator < 0 ? ", no coordinator yet" : " of node " + coordinator);
        s.append(", epoch ").append(epoch).append(", peers alive ").append(peersAlive);
        if (heldToken != null) {
            s.append(", holds the lock (token ").append(heldToken).append(')');
        }
        if (waitingOps > 0) {
            s.append(", ").append(waitingOps).append(" client operations waiting");
        }
        if (faults != null && !faults.equals("none")) {
            s.append(", FAULTS: ").append(faults);
        }
        s.append("\n  ").append(lock);
        s.append("\n  counters ").append(counters);
        return s.toString();
    }
}
