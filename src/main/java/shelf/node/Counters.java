package shelf.node;

import java.util.Map;
import java.util.TreeMap;

/** Named counters of one node, touched on the protocol thread only; snapshots are copies. */
final class Counters {
    private final Map<String, Long> values = new TreeMap<>();

    void add(String name) {
        values.merge(name, 1L, Long::sum);
    }

    long get(String name) {
        return values.getOrDefault(name, 0L);
    }

    Map<String, Long> snapshot() {
        return new TreeMap<>(values);
    }
}
