package shelf.node;

import java.util.Map;
import java.util.TreeMap;

/** Named counters of one node, touched on the protocol thread only; snapshots are copies. */
final class Counters {
    private final Map<String, Long> values = new TreeMap<>();

    void add(String name) {
        add(name, 1);
    }

    /** Adds {@code amount} (a duration in microseconds, say) to the counter. */
    void add(String name, long amount) {
        values.merge(name, amount, Long::sum);
    }

    Map<String, Long> snapshot() {
        return new TreeMap<>(values);
    }
}
