package shelf.election;

import java.util.HashMap;
import java.util.Map;

/**
 * How often the election answers a peer that is not following this node's term: at most once per {@code intervalMs}
 * for each peer and each kind of answer. A peer that asks once per heartbeat (a follower of an older term, a candidate
 * re-sending its ELECTION) gets every answer; one that repeats itself a thousand times a second gets a few, so a flood
 * cannot turn this node into an amplifier or fill its log. Answers to followers of the current term (heartbeat
 * acknowledgements) are not limited. Protocol thread only.
 */
final class PeerAnswers {
    /** What is being answered. */
    enum Kind {
        /** OK (and COORDINATOR, from a coordinator of the newest epoch) to a lower node's ELECTION. */
        ELECTION,
        /** STALE or COORDINATOR to a heartbeat from a node that does not follow this coordinator's epoch. */
        HEARTBEAT,
        /** STALE to a COORDINATOR of an older epoch. */
        OLD_COORDINATOR
    }

    private static final int KINDS = Kind.values().length;

    private final long intervalMs;
    private final Map<Integer, long[]> lastAnswered = new HashMap<>();

    PeerAnswers(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    /** True when {@code peer} may be answered now for {@code kind} (and records the answer); false to stay silent. */
    boolean admit(Kind kind, int peer, long now) {
        long[] at = lastAnswered.computeIfAbsent(peer, p -> new long[KINDS * 2]);
        int slot = kind.ordinal() * 2;
        if (at[slot + 1] != 0 && now - at[slot] < intervalMs) {
            return false;
        }
        at[slot] = now;
        at[slot + 1] = 1;
        return true;
    }
}
