package shelf.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Counters of the nodes' status (protocol and JVM), one node's or summed over all. */
record NodeCounters(Map<String, Long> values) {
    static NodeCounters of(BenchCluster b, int id) {
        return new NodeCounters(b.cluster.status(id).orElseThrow().counters());
    }

    static NodeCounters sum(BenchCluster b) {
        Map<String, Long> total = new LinkedHashMap<>();
        for (int id : b.cluster.config().ids()) {
            of(b, id).values.forEach((k, v) -> total.merge(k, v, Long::sum));
        }
        return new NodeCounters(total);
    }

    long get(String name) {
        return values.getOrDefault(name, 0L);
    }

    NodeCounters minus(NodeCounters earlier) {
        Map<String, Long> d = new LinkedHashMap<>(values);
        earlier.values.forEach((k, v) -> d.merge(k, -v, Long::sum));
        return new NodeCounters(d);
    }
}
