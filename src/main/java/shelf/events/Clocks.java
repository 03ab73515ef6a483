package shelf.events;

import java.util.Arrays;
import java.util.List;

/**
 * One node's Lamport clock and vector clock. Every event ticks both (the node's own entry counts its events); a
 * message received first takes the element-wise maximum with the clocks it carries ({@link #receive}). Clocks that
 * came from the network are checked first ({@link #problem}) and ignored when wrong.
 *
 * <p>Not thread-safe: owned by the node's protocol thread.
 */
public final class Clocks {
    /** No honest clock gets near this; a larger value could overflow when ticked. */
    public static final long CEILING = Long.MAX_VALUE / 4;

    private final int[] ids;
    private final int self;
    private final long[] vector;
    private long lamport;

    /** The clocks of node {@code selfId} among {@code ids} (the cluster's ids, in any order), all at zero. */
    public Clocks(List<Integer> ids, int selfId) {
        this.ids = ids.stream().mapToInt(Integer::intValue).sorted().toArray();
        this.self = Arrays.binarySearch(this.ids, selfId);
        if (self < 0) {
            throw new IllegalArgumentException("node " + selfId + " is not among " + ids);
        }
        this.vector = new long[this.ids.length];
    }

    /** Continues where an earlier run of this node stopped (its last recorded event), so its clocks never go back. */
    public void resume(long lastLamport, VectorClock last) {
        lamport = Math.max(lamport, Math.min(lastLamport, CEILING));
        for (int i = 0; i < ids.length; i++) {
            vector[i] = Math.max(vector[i], Math.min(last.get(ids[i]), CEILING));
        }
    }

    /** A local event or a send: both clocks advance. */
    public void tick() {
        lamport++;
        vector[self]++;
    }

    /**
     * A receipt of a message that carried {@code theirLamport} and {@code theirVector}: the maximum of both, then a tick.
     * Call {@link #problem} first; clocks it objects to must not be merged.
     */
    public void receive(long theirLamport, long[] theirVector) {
        lamport = Math.max(lamport, theirLamport);
        for (int i = 0; i < vector.length; i++) {
            vector[i] = Math.max(vector[i], theirVector[i]);
        }
        tick();
    }

    /** What is wrong with clocks a peer sent, or null when they may be merged: one entry per node, none negative or huge. */
    public String problem(long theirLamport, long[] theirVector) {
        if (theirVector == null || theirVector.length != vector.length) {
            return "a vector clock of " + (theirVector == null ? "no" : theirVector.length) + " entries for "
                    + vector.length + " nodes";
        }
        if (theirLamport < 0 || theirLamport > CEILING) {
            return "Lamport clock " + theirLamport + " outside 0.." + CEILING;
        }
        for (long v : theirVector) {
            if (v < 0 || v > CEILING) {
                return "vector clock entry " + v + " outside 0.." + CEILING;
            }
        }
        return null;
    }

    public long lamport() {
        return lamport;
    }

    /** The vector clock as a message carries it: one entry per node, by ascending id. A copy. */
    public long[] vector() {
        return vector.clone();
    }

    /** The vector clock now, as an event records it. */
    public VectorClock snapshot() {
        return new VectorClock(ids, vector.clone());
    }
}
