package shelf.election;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * When this node last heard from each peer. Any message counts, whatever role it is for: {@code NodeCore} records
 * every message it receives here, as its own step before it routes the message. The election reads it: a
 * coordinator re-announces itself to peers silent for the failure timeout, and status lists the peers heard from
 * within it.
 *
 * <p>Protocol thread only.
 */
public final class PeerLiveness {
    private final Map<Integer, Long> lastHeard = new HashMap<>();

    /** A message from {@code peer} arrived at {@code now}, on the node's clock. */
    public void heard(int peer, long now) {
        lastHeard.put(peer, now);
    }

    /** When {@code peer} was last heard from, or 0 if never. */
    long lastHeard(int peer) {
        return lastHeard.getOrDefault(peer, 0L);
    }

    /** Peers other than {@code self} heard from within {@code windowMs} before {@code now}, ascending. */
    List<Integer> heardWithin(long now, long windowMs, int self) {
        TreeSet<Integer> alive = new TreeSet<>();
        lastHeard.forEach((id, at) -> {
            if (now - at <= windowMs && id != self) {
                alive.add(id);
            }
        });
        return List.copyOf(alive);
    }
}
