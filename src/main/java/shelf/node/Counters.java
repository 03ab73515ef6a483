package shelf.node;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named counters of one node, touched on the protocol thread only; snapshots are copies, sorted by name. Several are
 * counted for every message (a lock cycle adds to four), so adding is one hash lookup and no allocation: a
 * {@code long[1]} per name rather than a boxed {@code Long} per addition in a sorted map.
 */
final class Counters {
    private final Map<String, long[]> values = new HashMap<>();

    void add(String name) {
        add(name, 1);
    }

    /** Adds {@code amount} (a duration in microseconds, say) to the counter. */
    void add(String name, long amount) {
        long[] value = values.get(name);
        if (value == null) {
            value = new long[1];
            values.put(name, value);
        }
        value[0] += amount;
    }

    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        values.forEach((name, value) -> copy.put(name, value[0]));
        return copy;
    }
}
