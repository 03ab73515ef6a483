package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.library.Json;

/** Bad input through the real entry points: one line, the documented exit code, and nothing lost. */
class CommandLineIT {

    private static ClusterFixture.Run assertOneLine(ClusterFixture.Run r, int code, String expected) {
        assertEquals(code, r.code(), r.toString());
        // "waiting for node N ..." is progress (a node slower than a second to answer), not an error line
        assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("waiting for node")).count(), "one line: " + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        return r;
    }

    @Test
    void nodeStartupErrors(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 2)) {
            int port1 = f.cluster.config().node(1).orElseThrow().port();
            assertOneLine(f.run("RmiNode", "7"), 2, "node 7 is not in");
            assertOneLine(f.run("RmiNode", "1", String.valueOf(port1 + 1)), 2, "node 1 is configured on port " + port1);
            try (ServerSocket taken = new ServerSocket()) {
                taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port1));
                assertOneLine(f.run("RmiNode", "-i", "1", "-p", String.valueOf(port1)), 2, "is already in use");
            }
            Files.writeString(dir.resolve("bad.properties"), "node.1=127.0.0.1:5001\nnode.1=127.0.0.1:5002\n");
            assertOneLine(f.run("RmiNode", "1", "--config", "bad.properties"), 2,
                    "bad.properties line 2: node 1 is listed twice");
            assertOneLine(f.run("RmiNode", "1", "--config", "missing.properties"), 2, "configuration file not found");
        }
    }

    @Test
    void aNodeStartedWithADifferentNodeListIsNamedInAWarning(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 2)) {
            int extra = shelf.cluster.LocalCluster.freePorts(1).get(0);
            Path other = dir.resolve("other.properties");
            Files.write(other, List.of("node.1=127.0.0.1:" + f.cluster.config().node(1).orElseThrow().port(),
                    "node.2=127.0.0.1:" + f.cluster.config().node(2).orElseThrow().port(), "node.3=127.0.0.1:" + extra));
            f.cluster.start(1);
            Process two = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    shelf.cluster.LocalCluster.currentJar().toString(), "RmiNode", "2", "--config", other.toString())
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("two.out").toFile()).start();
            try {
                // two warning lines, written one after the other: wait for both rather than read between them
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
                    Path file = dir.resolve("logs/node-1.log");
                    String log = Files.exists(file) ? Files.readString(file) : "";
                    assertTrue(log.contains("runs with a different node list than"), log);
                    // the fixture's fast timings here, the defaults in other.properties
                    assertTrue(log.contains("runs with other settings than " + f.cluster.config().source() + ": "
                            + "heartbeat.interval.ms=200 (here 100), failure.timeout.ms=1000 (here 500), lease.ms=2000"
                            + " (here 1000)"), log);
                });
            } finally {
                two.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void filesOfAnotherUserAreNamedAsSuchNotAsMissing(@TempDir Path dir) throws Exception {
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(setpriv), "needs root and setpriv");
        new ClusterFixture(dir, 1).close(); // a library and its keys, no node running
        // a shared folder whose owner-only keys (resources/tls, rwx------) are root's; user nobody runs the tools
        Path jar = Files.copy(shelf.cluster.LocalCluster.currentJar(), dir.resolve("shelf.jar"));
        for (Path p : List.of(dir, dir.resolve("resources"), jar)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-r--r--"));
        }
        List<String> nobody = List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", jar.toString());
        List<String> client = new ArrayList<>(nobody);
        client.addAll(List.of("RmiClient", "-u", "alice", "-n", "1", "list"));
        assertOneLine(ClusterFixture.exec(dir, new ProcessBuilder(client), Duration.ofSeconds(60)), 2,
                "resources/tls/client.crt cannot be read by this user (permission denied): TLS keys are owner-only"
                        + " (resources/tls belongs to root)");
        List<String> admin = new ArrayList<>(nobody);
        admin.addAll(List.of("shelf.cli.ShelfCommand", "admin", "-n", "1", "status"));
        assertOneLine(ClusterFixture.exec(dir, new ProcessBuilder(admin), Duration.ofSeconds(60)), 2,
                "resources/tls/admin.crt cannot be read by this user");
        Path clusterFolder = Files.createDirectories(dir.resolve("logs/cluster")); // as a cluster of root's leaves it
        Files.createFile(clusterFolder.resolve("lock"));
        Files.setPosixFilePermissions(clusterFolder, PosixFilePermissions.fromString("rwx------"));
        List<String> status = new ArrayList<>(nobody);
        status.addAll(List.of("shelf.cli.ShelfCommand", "cluster", "status"));
        assertOneLine(ClusterFixture.exec(dir, new ProcessBuilder(status), Duration.ofSeconds(60)), 3,
                "logs/cluster: the folder belongs to root and this user may not look into it: ask as that user");
    }

    @Test
    void clientErrors(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 2)) {
            int port2 = f.cluster.config().node(2).orElseThrow().port();
            assertOneLine(f.run("RmiClient", "-u", "alice", "-n", "9", "list"), 2, "node 9 is not in");
            assertOneLine(f.run("RmiClient", "-u", "a b", "-n", "1", "list"), 2, "invalid user name 'a b'");
            assertOneLine(f.run("RmiClient", "-u", "x".repeat(65), "-n", "1", "list"), 2, "invalid user name");
            assertOneLine(f.run("RmiClient", "-u", "../x", "-n", "1", "list"), 2, "invalid user name '../x'");
            assertOneLine(f.run("RmiClient", "-u", "alice", "-n", "2", "--no-failover", "list"), 3,
                    "node 2 at 127.0.0.1:" + port2 + " is not running (connection refused); try another node, e.g. -n 1");
            assertOneLine(f.run("RmiClient", "-u", "alice", "-n", "2", "list"), 3,
                    "no node could serve: node 2 at 127.0.0.1:" + port2 + " is not running (connection refused); node 1 at");
            f.cluster.start(1);
            f.awaitAgreement(List.of(1));
            assertOneLine(f.run("RmiClient", "-u", "alice", "-n", "1", "borrow", "abc"), 2, "book id must be a whole number");
            assertOneLine(f.run("RmiClient", "-u", "alice", "-n", "1", "borrow", "-1"), 1, "unknown book -1");
            assertOneLine(f.run("RmiClient", "-u", "alice", "-n", "1", "borrow", "99999999999"), 1, "unknown book 99999999999");
            ClusterFixture.Run ok = f.run("RmiClient", "-u", "alice", "-n", "1", "borrow", "10");
            assertEquals(0, ok.code(), ok.toString());
        }
    }

    @Test
    void createBooksRefusesToEraseLoans(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 1)) {
            f.cluster.startAll();
            f.awaitAgreement(List.of(1));
            assertEquals(0, f.run("RmiClient", "-u", "alice", "-n", "1", "borrow", "1").code());
            f.cluster.stop(1);
            assertOneLine(f.run("CreateBooks"), 1, "has 1 loan records; refusing to erase them (use --force to start over)");
            assertOneLine(f.run("CreateBooks", "--count", "0"), 2, "--count must be between 1 and 1000000");
            assertEquals(1, Files.readAllLines(dir.resolve("resources/history.log")).size(), "nothing was lost");
            ClusterFixture.Run forced = f.run("CreateBooks", "--force", "--count", "25");
            assertEquals(0, forced.code(), forced.toString());
            assertEquals(0, Files.size(dir.resolve("resources/history.log")));
        }
    }

    /** An answer time for admin calls that a busy machine (other process tests beside this one) cannot miss. */
    private static final String PATIENT = "20000";

    /** Every admin subcommand against a running two-node cluster, human and JSON, and its mistakes. */
    @Test
    void adminCommands(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 2)) {
            f.cluster.startAll();
            f.awaitAgreement(List.of(1, 2));
            String main = "shelf.cli.ShelfCommand";

            ClusterFixture.Run table = f.run(main, "admin", "--timeout", PATIENT, "--all", "status");
            assertEquals(0, table.code(), table.toString());
            assertTrue(table.out().contains("COORDINATOR") && table.out().contains("FOLLOWER"), table.out());
            ClusterFixture.Run status = f.run(main, "admin", "--timeout", PATIENT, "-n", "1", "status", "--json");
            assertEquals(2, Json.MAPPER.readTree(status.out()).get("coordinator").asInt(), status.out());
            long epochBefore = Json.MAPPER.readTree(status.out()).get("epoch").asLong();

            ClusterFixture.Run ping = f.run(main, "admin", "--timeout", PATIENT, "-n", "1", "ping", "2");
            assertEquals(0, ping.code(), ping.toString());
            assertTrue(ping.out().contains("answered node 1 in"), ping.out());
            ClusterFixture.Run books = f.run(main, "admin", "--timeout", PATIENT, "-n", "2", "books");
            assertEquals(10, books.out().strip().lines().count(), books.toString());
            ClusterFixture.Run hold = f.run(main, "admin", "--timeout", PATIENT, "-n", "1", "hold", "50");
            assertTrue(hold.code() == 0 && hold.out().contains("held the cluster lock for 50 ms"), hold.toString());

            ClusterFixture.Run cycles = f.run(main, "admin", "--timeout", PATIENT, "--all", "cycles", "100");
            assertEquals(0, cycles.code(), cycles.toString());
            assertTrue(cycles.out().contains("node 1: 100 lock cycles") && cycles.out().contains("node 2: 100 lock cycles"),
                    cycles.out());
            ClusterFixture.Run cyclesJson = f.run(main, "admin", "--timeout", PATIENT, "-n", "1", "cycles", "50", "--json");
            assertEquals(50, Json.MAPPER.readTree(cyclesJson.out()).get("count").asInt(), cyclesJson.out());
            ClusterFixture.Run locks = f.run(main, "admin", "--timeout", PATIENT, "-n", "2", "locks", "--json");
            // 251 grants in this term, unless a busy machine forced an election meanwhile (a new term counts afresh)
            JsonNode lockTable = Json.MAPPER.readTree(locks.out());
            assertTrue(lockTable.get("grants").asLong() >= 251 || lockTable.get("epoch").asLong() != epochBefore, locks.out());

            // the node refuses a bad count; usage errors (cycles abc, -n 9, no -n) are AdminCommandTest's (a JVM costs seconds)
            // as patient as the calls above: on a loaded machine the default wait can run out before the node's refusal
            assertOneLine(f.run(main, "admin", "--timeout", PATIENT, "-n", "1", "cycles", "0"), 2,
                    "between 1 and 10000 cycles, not 0");
            assertOneLine(f.run(main, "admin", "--timeout", PATIENT, "-n", "1", "ping", "1"), 2, "is this node");

            f.cluster.kill(2);
            ClusterFixture.Run down = f.run(main, "admin", "-n", "2", "status");
            assertEquals(3, down.code(), down.toString());
            assertTrue(down.err().contains("node 2 at 127.0.0.1:") && down.err().contains("not reachable"), down.err());
        }
    }
}
