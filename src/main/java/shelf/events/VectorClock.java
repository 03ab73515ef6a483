package shelf.events;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A vector clock's value after one event: for each node id, how many of that node's events happened before or at it
 * (Mattern, Fidge). Immutable. Entries not listed are 0.
 */
public final class VectorClock {
    private final int[] ids;
    private final long[] counts;

    /** {@code ids} ascending and never changed afterwards (it may be shared); {@code counts} is this clock's own. */
    VectorClock(int[] ids, long[] counts) {
        this.ids = ids;
        this.counts = counts;
    }

    /** A clock from {@code node id → count}, as an events file gives it. */
    public static VectorClock of(Map<Integer, Long> entries) {
        SortedMap<Integer, Long> sorted = new TreeMap<>(entries);
        int[] ids = new int[sorted.size()];
        long[] counts = new long[sorted.size()];
        int i = 0;
        for (Map.Entry<Integer, Long> e : sorted.entrySet()) {
            ids[i] = e.getKey();
            counts[i++] = e.getValue();
        }
        return new VectorClock(ids, counts);
    }

    /** The count for node {@code id}; 0 when the clock has none. */
    public long get(int id) {
        int i = Arrays.binarySearch(ids, id);
        return i < 0 ? 0 : counts[i];
    }

    /** How many entries the clock has (zero counts included): {@link #idAt} and {@link #countAt} take 0 to size - 1. */
    int size() {
        return ids.length;
    }

    /** The id of entry {@code i}, ids ascending. */
    int idAt(int i) {
        return ids[i];
    }

    /** The count of entry {@code i} (0 for a node not heard of). */
    long countAt(int i) {
        return counts[i];
    }

    /** The non-zero entries, by id. */
    public SortedMap<Integer, Long> entries() {
        SortedMap<Integer, Long> map = new TreeMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (counts[i] != 0) {
                map.put(ids[i], counts[i]);
            }
        }
        return Collections.unmodifiableSortedMap(map);
    }

    /** True when every entry is at most {@code other}'s: this event happened before {@code other}'s, or is it. */
    public boolean isAtMost(VectorClock other) {
        for (int i = 0; i < ids.length; i++) {
            if (counts[i] > other.get(ids[i])) {
                return false;
            }
        }
        return true;
    }

    /** Happened-before: at most {@code other} in every entry and not equal. */
    public boolean happenedBefore(VectorClock other) {
        return isAtMost(other) && !other.isAtMost(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VectorClock v && entries().equals(v.entries());
    }

    @Override
    public int hashCode() {
        return entries().hashCode();
    }

    @Override
    public String toString() {
        return entries().toString();
    }
}
