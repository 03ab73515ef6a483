package shelf.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.cluster.LocalCluster;

/** The library's files damaged or missing, and a benchmark stopped with Ctrl-C: nothing lost, nothing left behind. */
class BadInputIT {
    private static final String MAIN = "shelf.cli.ShelfCommand";

    static void assertOneLine(ClusterFixture.Run r, int code, String expected) {
        assertEquals(code, r.code(), r.toString());
        // "waiting for node N ..." is progress (a node slower than a second to answer), not an error line
        assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("waiting for node")).count(), "one line: " + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    /** Node 1 borrows and renews book 1 (two acknowledged records) and stops. */
    private static void borrowAndRenew(ClusterFixture f) throws Exception {
        f.cluster.start(1);
        f.awaitAgreement(List.of(1));
        assertEquals(0, f.run("RmiClient", "-u", "alice", "-n", "1", "borrow", "1").code());
        assertEquals(0, f.run("RmiClient", "-u", "alice", "-n", "1", "renew", "1").code());
        f.cluster.stop(1);
    }

    @Test
    void aLibraryMissingItsCatalogueOrItsHistoryIsNeverReplacedByANewOne(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 1)) {
            borrowAndRenew(f);
            Path catalog = dir.resolve("resources/catalog.json");
            Path history = dir.resolve("resources/history.log");
            byte[] catalogue = Files.readAllBytes(catalog);
            Files.delete(catalog);
            assertOneLine(f.run("CreateBooks"), 1, "history.log has 2 loan records; refusing to erase them");
            assertOneLine(f.run(MAIN, "cluster"), 1, "catalog.json is missing but");
            assertEquals(2, Files.readAllLines(history).size(), "nothing was lost");

            Files.write(catalog, catalogue);
            Files.move(history, dir.resolve("history.log.moved"));
            assertOneLine(f.run("RmiNode", "1"), 1, "history.log not found beside");
            assertOneLine(f.run(MAIN, "cluster"), 1, "history.log not found beside");
            assertFalse(Files.exists(history), "no new empty history");
        }
    }

    @Test
    void aNodeRefusesADamagedOrShortenedAcknowledgedHistoryAndCutsNothing(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 1)) {
            borrowAndRenew(f);
            Path history = dir.resolve("resources/history.log");
            byte[] good = Files.readAllBytes(history);
            byte[] changed = good.clone();
            changed[good.length - 10] = (byte) (good[good.length - 10] == 'x' ? 'y' : 'x');
            Files.write(history, changed);
            assertOneLine(f.run("RmiNode", "1"), 1, "history.log line 2: record 2 is damaged");
            assertArrayEquals(changed, Files.readAllBytes(history), "the acknowledged RENEW is not cut off");

            Files.write(history, good);
            try (FileChannel ch = FileChannel.open(history, StandardOpenOption.WRITE)) {
                ch.truncate(good.length - 20);
            }
            assertOneLine(f.run("RmiNode", "1"), 1, "acknowledged records are missing: the history ends inside record 2");
            assertEquals(good.length - 20, Files.size(history));
        }
    }

    @Test
    void aCatalogueWithTwoBooksOfOneIdStopsTheNode(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 1)) {
            Files.writeString(dir.resolve("resources/catalog.json"),
                    "[{\"id\":1,\"title\":\"Dune\"},{\"id\":2,\"title\":\"Emma\"},{\"id\":1,\"title\":\"Ulysses\"}]");
            assertOneLine(f.run("RmiNode", "1"), 1, "catalog.json entry 3: id 1 is already the id of entry 1 (Dune)");
        }
    }

    @Test
    void aBenchmarkStoppedWithCtrlCLeavesNoFolderBehind(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Process bench = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", LocalCluster.currentJar().toString(), MAIN, "bench", "failover",
                "--times", "1", "--jvm", "-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("bench.out").toFile()).start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> nodeLogs(tmp) > 0);
            bench.destroy(); // SIGTERM: the shutdown hooks run, as on Ctrl-C (SIGINT)
            assertTrue(bench.waitFor(60, TimeUnit.SECONDS), "the benchmark stops");
            try (Stream<Path> left = Files.list(tmp)) {
                assertEquals(List.of(), left.toList(), Files.readString(dir.resolve("bench.out")));
            }
        } finally {
            bench.descendants().forEach(ProcessHandle::destroyForcibly);
            bench.destroyForcibly().waitFor();
        }
    }

    /** How many node logs the benchmark's cluster folders hold: its nodes have started. */
    private static long nodeLogs(Path tmp) throws Exception {
        try (Stream<Path> files = Files.walk(tmp)) {
            return files.filter(p -> p.getFileName().toString().matches("node-\\d+\\.log")).count();
        } catch (UncheckedIOException e) {
            return 0; // a file vanished while walked (the bench writes certificates by renaming temporary files): look again
        }
    }
}
