package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.cluster.LocalCluster;
import shelf.cluster.NetPartition;
import shelf.library.Json;

/**
 * {@code chaos} for 30 seconds with kill -9, SIGSTOP/SIGCONT, partitions (admin partition) and, where the machine allows
 * it, real ones (iptables; skipped with its message elsewhere): the verdict passes, every
 * check is in it, and the report folder holds what it should. One run; its figures are not asserted (speed goes in
 * {@code bench}).
 */
class ChaosIT {
    // Seed 82 draws, with these four kinds in 30 s: kill, netpartition, partition, pause, netpartition (every kind
    // within the first 25 s, so a slow injection cannot cut one off).
    /** 30 s of faults, plus the cluster's start, the settling and the checks; minutes on a loaded two-core machine. */
    private static final Duration LIMIT = Duration.ofMinutes(5);

    @Test
    void aRunWithKillsPausesAndPartitionsPassesEveryCheck(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report");
        ClusterFixture.Run r = ClusterFixture.exec(dir, List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", LocalCluster.currentJar().toString(), "chaos", "--seconds", "30", "--clients", "4",
                "--faults", "kill,pause,partition,netpartition", "--jvm", ClusterFixture.NODE_JVM_OPTION,
                "--seed", "82", "--report", report.toString(), "--json"), LIMIT);
        assertEquals(0, r.code(), r.toString());
        JsonNode verdict = Json.MAPPER.readTree(r.out());
        assertTrue(verdict.get("ok").asBoolean(), r.out());
        assertEquals(82, verdict.get("seed").asLong());
        for (String check : List.of("recovered", "acknowledged-once", "lending-rules", "tokens-ordered", "nodes-agree",
                "linearizable")) {
            assertTrue(verdict.get("checks").get(check).get("ok").asBoolean(), check + ": " + r.out());
        }
        JsonNode all = verdict.get("availability").get("all");
        assertTrue(all.get("ok").asLong() > 0, r.out());
        assertTrue(r.err().contains("chaos: seed 82 (repeat the run with --seed 82)"), r.err());
        Optional<String> noRealPartition = NetPartition.unavailable();
        assertEquals(noRealPartition.isPresent(), r.err().contains("chaos: netpartition skipped: "), r.err());
        for (String file : List.of("operations.jsonl", "faults.jsonl", "history.jsonl", "verdict.json", "timeline.html")) {
            assertTrue(Files.size(report.resolve(file)) > 0, file);
        }
        JsonNode fault = Json.MAPPER.readTree(Files.readAllLines(report.resolve("faults.jsonl")).get(0));
        assertTrue(List.of("kill", "pause", "partition", "netpartition").contains(fault.get("kind").asText()), fault.toString());
        assertEquals(verdict.get("checks"), Json.MAPPER.readTree(report.resolve("verdict.json").toFile()).get("checks"));
    }

    @Test
    void aRunOnAPostgresqlLibraryWhoseDatabaseStopsPassesEveryCheck(@TempDir Path dir) throws Exception {
        // Seed 173 draws, with store and kill in 14 s: kill node 1, the database stopped, kill of the coordinator.
        Path report = dir.resolve("report");
        ClusterFixture.Run r = ClusterFixture.exec(dir, List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", LocalCluster.currentJar().toString(), "chaos", "--seconds", "14", "--clients", "3",
                "--nodes", "3", "--faults", "store,kill", "--store", "postgresql", "--jvm", ClusterFixture.NODE_JVM_OPTION,
                "--seed", "173", "--report", report.toString(), "--json"), LIMIT);
        assertEquals(0, r.code(), r.toString());
        JsonNode verdict = Json.MAPPER.readTree(r.out());
        assertTrue(verdict.get("ok").asBoolean(), r.out());
        assertTrue(r.err().contains("library in PostgreSQL"), r.err());
        List<JsonNode> faults = new ArrayList<>();
        for (String line : Files.readAllLines(report.resolve("faults.jsonl"))) {
            faults.add(Json.MAPPER.readTree(line));
        }
        assertTrue(faults.stream().anyMatch(f -> f.get("kind").asText().equals("store")
                && f.get("detail").asText().matches("PostgreSQL on port \\d+ stopped")), faults.toString());
        assertTrue(verdict.get("availability").get("all").get("ok").asLong() > 0, r.out());
    }
}
