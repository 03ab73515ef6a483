package shelf.node;

import java.util.Map;
import java.util.TreeMap;

/** Named counters of one node, touched on the protocol thread only; snapshots are copies. */
final class Counters {
    private final Map<String, Long> values = new TreeMap<>();

    void add(String name) {
        values.merge(name, 1L, Long::sum);
    }

    Map<String, Long> snapshot() {
        return new TreeMap<>(values);
    }
}
