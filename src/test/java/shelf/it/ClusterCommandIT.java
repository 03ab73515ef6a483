package shelf.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.cluster.LocalCluster;

/**
 * Issues 5 and 15: {@code shelf cluster} as a user runs it: starts the nodes, serves, owns its folder and its node
 * processes ({@code cluster status|restart|stop} from another terminal), tells the truth about a node it did not start,
 * and leaves no process behind, not even when it is killed with {@code kill -9}.
 */
class ClusterCommandIT {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void startsEveryNodeStreamsLogsReportsACrashAndLeavesNoProcessBehind(@TempDir Path dir) throws Exception {
        writeConfig(dir, 3);
        Path out = dir.resolve("cluster.out");
        Process cluster = startCluster(dir, out);
        Process byHand = null;
        try {
            String banner = awaitBanner(out);
            ClusterFixture.Run second = shelf(dir, "cluster", "--no-color");
            assertEquals(1, second.code(), second.toString());
            assertEquals(List.of("cluster: a cluster is already running in " + dir.toRealPath() + " (pid " + cluster.pid()
                    + "): see it with 'cluster status', stop it with 'cluster stop'"), second.err().lines().toList());

            // on a loaded machine the banner may come before they agree (with a warning); cluster status shows when they do
            awaitCommand().until(() -> shelf(dir, "cluster", "status").out().lines()
                    .filter(l -> l.matches("\\d +\\d+ +(FOLLOWER|COORDINATOR) +3 .*")).count() == 3);
            assertTrue(Files.exists(dir.resolve("resources/catalog.json")), "the library was created");
            Map<Integer, Long> pids = pids(banner);
            assertEquals(3, pids.size(), banner);

            ClusterFixture.Run borrow = ClusterFixture.exec(dir, List.of(JAVA, "-cp", jar(), "RmiClient", "-u", "alice",
                    "-n", "1", "borrow", "3"));
            assertEquals(0, borrow.code(), borrow.toString());
            // commands piped into the prompt, as a script does: their answers alone, no "alice@node1> " before each
            Path script = Files.writeString(dir.resolve("commands.txt"), "loans\nquit\n");
            ClusterFixture.Run piped = ClusterFixture.exec(dir, new ProcessBuilder(JAVA, "-cp", jar(), "RmiClient", "-u",
                    "alice", "-n", "1").redirectInput(script.toFile()), Duration.ofSeconds(60));
            assertEquals(0, piped.code(), piped.toString());
            assertTrue(piped.out().startsWith("  3  Nineteen Eighty-Four") && !piped.out().contains("@node"), piped.out());
            Path failing = Files.writeString(dir.resolve("failing.txt"), "borrow 99\nloans\n"); // a script can tell
            ClusterFixture.Run refused = ClusterFixture.exec(dir, new ProcessBuilder(JAVA, "-cp", jar(), "RmiClient", "-u",
                    "alice", "-n", "1").redirectInput(failing.toFile()), Duration.ofSeconds(60));
            assertEquals(1, refused.code(), refused.toString());
            assertTrue(refused.out().startsWith("  3  Nineteen Eighty-Four"), "the next command still ran: " + refused);
            ProcessHandle.of(pids.get(3)).orElseThrow().destroyForcibly(); // kill -9 of the coordinator
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(out).contains("node 3 exited with code 137"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.readString(out).contains("[2] node 2: role CANDIDATE -> COORDINATOR"));
            assertTrue(Files.readString(out).contains("[1] node 1: "), "node 1's log is streamed with its prefix");

            ClusterFixture.Run restart = shelf(dir, "cluster", "restart", "1");
            assertEquals(0, restart.code(), restart.toString());
            assertTrue(restart.out().contains("node 1: pid " + pids.get(1) + " stopped, pid "), restart.out());
            assertTrue(restart.out().contains("node 1 is back: FOLLOWER of node 2"), restart.out());
            assertFalse(ProcessHandle.of(pids.get(1)).map(ProcessHandle::isAlive).orElse(false), "the old node 1 is gone");

            byHand = new ProcessBuilder(JAVA, "-cp", jar(), "RmiNode", "3").directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("by-hand.out").toFile()).start();
            AtomicReference<String> status = new AtomicReference<>("");
            awaitCommand().until(() -> {
                status.set(shelf(dir, "cluster", "status").out());
                return status.get().lines().anyMatch(l -> l.matches("3 +- +COORDINATOR +3 +\\d+ +not started by this cluster.*"));
            });
            Map<Integer, Long> now = statusPids(status.get());
            assertEquals(pids.get(2), now.get(2), status.get());
            assertNotEquals(pids.get(1), now.get(1), status.get());

            ClusterFixture.Run stop = shelf(dir, "cluster", "stop");
            assertEquals(0, stop.code(), stop.toString());
            assertTrue(cluster.waitFor(30, TimeUnit.SECONDS), "cluster stop (SIGTERM) stops the cluster command");
            for (long pid : List.of(now.get(1), now.get(2))) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "node process " + pid + " is gone");
            }
            assertTrue(byHand.isAlive(), "the node started by hand is not the cluster's to stop");
            for (String report : List.of(stop.out(), Files.readString(out))) {
                assertTrue(report.contains("node 1  pid " + now.get(1) + "  stopped"), report);
                assertTrue(report.contains("node 3  not started by this cluster (started by hand?): left running"), report);
                assertTrue(report.contains("The nodes it started are stopped; left running: node 3."), report);
            }
        } finally {
            if (byHand != null) {
                byHand.destroyForcibly();
            }
            cluster.descendants().forEach(ProcessHandle::destroyForcibly);
            cluster.destroyForcibly();
        }
    }

    @Test
    void killNineOfTheClusterCommandTakesItsNodesWithIt(@TempDir Path dir) throws Exception {
        writeConfig(dir, 2);
        Process cluster = startCluster(dir, dir.resolve("cluster.out"));
        List<ProcessHandle> nodes = List.of();
        try {
            awaitBanner(dir.resolve("cluster.out"));
            nodes = cluster.descendants().toList();
            assertEquals(2, nodes.size(), nodes.toString());
            cluster.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(cluster.waitFor(10, TimeUnit.SECONDS));
            for (ProcessHandle node : nodes) {
                await().atMost(Duration.ofSeconds(30)).until(() -> !node.isAlive());
            }
            ClusterFixture.Run status = shelf(dir, "cluster", "status");
            assertEquals(3, status.code(), status.toString());
            assertTrue(status.err().contains("no cluster is running in"), status.toString());
        } finally {
            nodes.forEach(ProcessHandle::destroyForcibly);
            cluster.destroyForcibly();
        }
    }

    /** Issue 16: {@code cluster --store postgresql} runs its own PostgreSQL, serves from it, and stops it with the nodes. */
    @Test
    void withThePostgresqlStoreItRunsItsDatabaseServesFromItAndStopsIt(@TempDir Path dir) throws Exception {
        writeConfig(dir, 2);
        Path out = dir.resolve("cluster.out");
        Process cluster = new ProcessBuilder(JAVA, "-jar", jar(), "cluster", "--no-color", "--no-dashboard",
                "--store", "postgresql", "--jvm", ClusterFixture.NODE_JVM_OPTION)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        List<ProcessHandle> children = List.of();
        try {
            awaitBanner(out);
            children = cluster.descendants().toList(); // the two nodes (pg_ctl detaches the server: see its pid file)
            assertEquals(2, children.size(), children.toString());
            Path postmaster = postmasterPid(dir);
            long server = Long.parseLong(Files.readAllLines(postmaster).get(0).strip());
            assertTrue(ProcessHandle.of(server).map(ProcessHandle::isAlive).orElse(false), "PostgreSQL runs, pid " + server);
            awaitCommand().until(() -> shelf(dir, "cluster", "status").out().lines()
                    .filter(l -> l.matches("\\d +\\d+ +(FOLLOWER|COORDINATOR) +2 .*")).count() == 2);
            ClusterFixture.Run alice = client(dir, "alice", "borrow", "3");
            assertEquals(0, alice.code(), alice.toString());
            ClusterFixture.Run bob = client(dir, "bob", "borrow", "3");
            assertEquals(1, bob.code(), bob.toString());
            ClusterFixture.Run history = client(dir, "carol", "history");
            assertEquals(1, history.out().strip().lines().count(), history.toString());
            assertFalse(Files.exists(dir.resolve("resources/history.log")), "the library is in PostgreSQL, not in files");

            ClusterFixture.Run stop = shelf(dir, "cluster", "stop");
            assertEquals(0, stop.code(), stop.toString());
            assertTrue(cluster.waitFor(60, TimeUnit.SECONDS), "cluster ended");
            for (ProcessHandle child : children) {
                await().atMost(Duration.ofSeconds(30)).until(() -> !child.isAlive());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(server).isEmpty()
                    || !ProcessHandle.of(server).get().isAlive());
            assertFalse(Files.exists(postmaster), "PostgreSQL shut down cleanly (its pid file is gone)");
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
            cluster.destroyForcibly();
        }
    }

    /** The running PostgreSQL server's pid file, under resources/postgresql. */
    private static Path postmasterPid(Path dir) throws Exception {
        try (var files = Files.walk(dir.resolve("resources/postgresql"))) {
            return files.filter(f -> f.getFileName().toString().equals("postmaster.pid")).findFirst()
                    .orElseThrow(() -> new AssertionError("no postmaster.pid under resources/postgresql"));
        }
    }

    @Test
    void nodesThatCannotStartEndTheCommandAtOnceWithTheirReason(@TempDir Path dir) throws Exception {
        writeConfig(dir, 2);
        int port = Integer.parseInt(Files.readAllLines(dir.resolve("nodes.properties")).get(1).replaceAll(".*:", ""));
        try (ServerSocket taken = new ServerSocket()) { // another process's, as another folder's cluster on the same ports
            taken.bind(new InetSocketAddress("127.0.0.1", port));
            ClusterFixture.Run refused = shelf(dir, "cluster", "--no-color", "--no-dashboard");
            assertEquals(2, refused.code(), refused.toString());
            assertEquals(List.of("cluster: node 2's port " + port + " on 127.0.0.1 is in use by another process (a cluster in"
                    + " another folder with the same ports?): stop it, or give this cluster other ports in nodes.properties"),
                    refused.err().lines().toList());
        }
        // before, the command waited out the start allowance (a minute and a half) for nodes that had exited at once
        ClusterFixture.Run failed = shelf(dir, "cluster", "--no-color", "--no-dashboard", "--jvm", "-XX:+UseNoSuchOption");
        assertEquals(3, failed.code(), failed.toString());
        assertEquals(1, failed.err().lines().count(), failed.err());
        assertTrue(failed.err().strip().matches("cluster: no node is running: node ([12]) exited with code 1: Unrecognized VM"
                + " option 'UseNoSuchOption' \\(logs/node-\\1.out\\)"), failed.err()); // the first seen to end
        assertTrue(failed.out().contains("  node 1  was already down (exited with code 1)\n  node 2  was already down"
                + " (exited with code 1)\nNo node was running."), failed.out());
    }

    private static ClusterFixture.Run client(Path dir, String user, String... words) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA, "-cp", jar(), "RmiClient", "-u", user, "-n", "1"));
        command.addAll(List.of(words));
        return ClusterFixture.exec(dir, command);
    }

    private static void writeConfig(Path dir, int nodes) throws Exception {
        List<Integer> ports = LocalCluster.freePorts(nodes);
        List<String> config = new ArrayList<>();
        for (int id = 1; id <= nodes; id++) {
            config.add("node." + id + "=127.0.0.1:" + ports.get(id - 1));
        }
        Files.write(dir.resolve("nodes.properties"), config);
    }

    /** Without the dashboard: DashboardIT tests it under cluster, and its polling would cost these tests CPU. */
    private static Process startCluster(Path dir, Path out) throws Exception {
        return new ProcessBuilder(JAVA, "-jar", jar(), "cluster", "--no-color", "--no-dashboard",
                "--jvm", ClusterFixture.NODE_JVM_OPTION)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    /** A wait whose every poll runs a command in a JVM of its own: a poll a second, not ten (each costs a core ~0.5 s). */
    private static ConditionFactory awaitCommand() {
        return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1));
    }

    private static String awaitBanner(Path out) throws Exception {
        // liveness, not speed: on a loaded two-core machine five JVMs may take a while to start and agree
        await().atMost(Duration.ofSeconds(120)).until(() -> Files.readString(out).contains("Logs follow."));
        return Files.readString(out);
    }

    private static ClusterFixture.Run shelf(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-jar", jar()));
        command.addAll(List.of(args));
        return ClusterFixture.exec(dir, command);
    }

    private static String jar() {
        return LocalCluster.currentJar().toString();
    }

    /** The pids of the banner's "node N  host:port  pid P" lines. */
    private static Map<Integer, Long> pids(String banner) {
        return matches(Pattern.compile("(?m)^  node (\\d+) .* pid (\\d+) "), banner);
    }

    /** The pids of the rows of {@code cluster status}: "N  PID  ROLE ...". */
    private static Map<Integer, Long> statusPids(String status) {
        return matches(Pattern.compile("(?m)^(\\d+) +(\\d+) "), status);
    }

    private static Map<Integer, Long> matches(Pattern p, String text) {
        Map<Integer, Long> pids = new TreeMap<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            pids.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
        }
        return pids;
    }
}
