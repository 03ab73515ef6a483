package shelf.dashboard;

import java.util.List;
import shelf.api.NodeStatus;

/**
 * One node as the page shows it.
 *
 * @param state       {@code up} (it answered), {@code paused} (its process is there but it answered nothing in time:
 *                    stopped, or overloaded) or {@code unreachable} (refused, not running, no such service)
 * @param role        FOLLOWER, CANDIDATE or COORDINATOR as it last said, or null before it ever answered
 * @param coordinator the coordinator it follows, -1 while electing
 * @param note        why it is not up, in a few words
 */
record NodeView(int id, String address, String state, String role, int coordinator, long epoch, List<Integer> peersAlive,
                String heldToken, int waitingOps, String note) {
    static final String UP = "up";
    static final String PAUSED = "paused";
    static final String UNREACHABLE = "unreachable";

    static NodeView of(String address, NodeStatus s) {
        return new NodeView(s.id(), address, UP, s.role().name(), s.coordinator(), s.epoch(), List.copyOf(s.peersAlive()),
                s.heldToken() == null ? null : s.heldToken().toString(), s.waitingOps(), "");
    }

    /** The node as last seen, in another state. */
    NodeView as(String newState, String why) {
        return new NodeView(id, address, newState, role, coordinator, epoch, peersAlive, heldToken, waitingOps, why);
    }

    static NodeView unknown(int id, String address) {
        return new NodeView(id, address, UNREACHABLE, null, -1, 0, List.of(), null, 0, "not asked yet");
    }
}
