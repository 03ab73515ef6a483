package shelf.dashboard;

import java.util.List;
import shelf.api.NodeStatus;
import shelf.election.Role;
import shelf.lock.LockPhase;
import shelf.lock.LockTable;

/**
 * The lock server as the page shows it: the table of the coordinator in the highest epoch that answered.
 *
 * @param server the coordinator serving it, or -1 when no coordinator answered
 * @param holder the holding node, or -1
 */
record LockView(int server, String phase, long epoch, int holder, String token, long leaseLeftMs, List<Integer> queue,
                long grants, long revocations) {
    static final LockView NONE = new LockView(-1, "none", 0, -1, null, 0, List.of(), 0, 0);

    /** The lock table of the coordinator with the highest epoch among {@code answers}, or {@link #NONE}. */
    static LockView of(Iterable<NodeStatus> answers) {
        NodeStatus best = null;
        for (NodeStatus s : answers) {
            if (s.role() == Role.COORDINATOR && s.lock() != null && s.lock().phase() != LockPhase.INACTIVE
                    && (best == null || s.epoch() > best.epoch())) {
                best = s;
            }
        }
        if (best == null) {
            return NONE;
        }
        LockTable t = best.lock();
        return new LockView(best.id(), t.phase().name(), t.epoch(), t.holder(), t.token() == null ? null : t.token().toString(),
                t.holder() < 0 ? 0 : t.leaseLeftMs(), List.copyOf(t.queue()), t.grants(), t.revocations());
    }
}
