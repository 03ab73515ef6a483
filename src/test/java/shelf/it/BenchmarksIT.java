package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.cluster.LocalCluster;
import shelf.library.Json;

/** Short runs of every benchmark: sane figures (positive, ordered percentiles, counts that add up), never a speed. */
class BenchmarksIT {
    /** A benchmark starts five nodes, measures and stops them: minutes when other process tests share two cores. */
    private static final Duration BENCH_LIMIT = Duration.ofMinutes(3);

    private static ClusterFixture.Run exec(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", LocalCluster.currentJar().toString(), "bench"));
        command.addAll(List.of(args));
        if (args.length > 1) { // not a usage error: the nodes get the tests' cheaper JIT (their C2 costs CPU others need)
            command.addAll(List.of("--jvm", ClusterFixture.NODE_JVM_OPTION));
        }
        return ClusterFixture.exec(dir, command, BENCH_LIMIT);
    }

    private static JsonNode bench(Path dir, String... args) throws Exception {
        List<String> withJson = new ArrayList<>(List.of(args));
        withJson.add("--json");
        ClusterFixture.Run r = exec(dir, withJson.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        JsonNode doc = Json.MAPPER.readTree(r.out());
        assertEquals(Runtime.getRuntime().availableProcessors(), doc.get("machine").get("cores").asInt());
        assertTrue(doc.get("settings").size() > 0);
        return doc.get("results");
    }

    private static void assertSane(JsonNode stats, int count) {
        assertEquals(count, stats.get("count").asInt(), stats.toString());
        assertTrue(stats.get("perSecond").asDouble() > 0, stats.toString());
        assertTrue(stats.get("p50").asDouble() > 0, stats.toString());
        assertTrue(stats.get("p50").asDouble() <= stats.get("p99").asDouble(), stats.toString());
        assertTrue(stats.get("p99").asDouble() <= stats.get("max").asDouble(), stats.toString());
    }

    @Test
    void lockAndLibrary(@TempDir Path dir) throws Exception {
        JsonNode lock = bench(dir, "lock", "--cycles", "200", "--runs", "1", "--warm-up", "1");
        assertEquals(1, lock.get("warm-up").get("per second, each round").size(), lock.toString());
        assertSane(lock.get("empty RMI call on loopback (the floor)"), 20_000);
        assertSane(lock.get("a round trip without RMI, one connection (under the floor)"), 20_000);
        assertSane(lock.get("one node (follower 1)"), 200);
        assertSane(lock.get("all five nodes at once"), 1000);
        assertTrue(lock.get("grants on the coordinator").asLong() >= 200 + 200 + 1000, lock.toString());

        JsonNode library = bench(dir, "library", "--clients", "1,5", "--seconds", "1", "--runs", "2", "--warm-up", "1");
        assertEquals(1, library.get("warm-up").get("per second, each round").size(), library.toString());
        JsonNode five = library.get("5 clients");
        assertTrue(five.get("stats").get("count").asInt() > 0, five.toString());
        assertSane(five.get("stats"), five.get("stats").get("count").asInt());
        assertEquals(2, five.get("ops/s per run").size(), five.toString());
        assertTrue(five.get("ops per grant (fsync)").asDouble() >= 1.0, five.toString());
        assertTrue(five.get("node GC ms per s").asDouble() >= 0
                && five.get("node JIT ms per s").asDouble() >= 0, five.toString());
        assertTrue(library.get("largest node peak heap (MiB)").asDouble() > 0);
    }

    @Test
    void aClientCountNamedTwiceIsAUsageErrorOfOneLine(@TempDir Path dir) throws Exception {
        ClusterFixture.Run r = exec(dir, "library", "--clients", "20,5,20");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--clients: [20, 5, 20] names a count twice; use --runs to repeat one"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void failoverAndElection(@TempDir Path dir) throws Exception {
        JsonNode failover = bench(dir, "failover", "--times", "1");
        assertTrue(failover.get("kill -9: to first grant p50 (ms)").asLong() > 0, failover.toString());
        assertTrue(failover.get("SIGSTOP: to first grant p50 (ms)").asLong() > 0, failover.toString());
        JsonNode election = bench(dir, "election", "--sizes", "5", "--rmi-sizes", "3");
        JsonNode worst = election.get("in memory, 5 nodes, lowest starts");
        JsonNode best = election.get("in memory, 5 nodes, second highest starts");
        assertTrue(worst.get("messages").asLong() >= best.get("messages").asLong(), election.toString());
        assertTrue(election.get("RMI processes, 3 nodes, lowest starts").get("millis").asLong() >= 0);
    }
}
