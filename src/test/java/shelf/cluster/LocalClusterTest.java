package shelf.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node that ended at start said (only this run's output, the line that says why); the ports a new cluster gets. */
class LocalClusterTest {

    @Test
    void theLastLineIsThisRunsAndNotTheJvmsOwnLastWords(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("node-1.out");
        Files.writeString(out, "RmiNode: node 1: port 5001 on 127.0.0.1 is already in use (an earlier run)\n");
        long from = Files.size(out);
        assertEquals("", LocalCluster.lastLine(out, from), "nothing printed in this run: nothing from an earlier one");

        Files.writeString(out, "Unrecognized VM option 'UseNoSuchOption'\nError: Could not create the Java Virtual Machine.\n"
                + "Error: A fatal exception has occurred. Program will exit.\n\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        assertEquals("Unrecognized VM option 'UseNoSuchOption'", LocalCluster.lastLine(out, from));
        assertEquals("Unrecognized VM option 'UseNoSuchOption'", LocalCluster.lastLine(out, 0));

        Files.writeString(out, "RmiNode: node 1: port 5001 on 127.0.0.1 is already in use (is node 1 already running?)\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertEquals("RmiNode: node 1: port 5001 on 127.0.0.1 is already in use (is node 1 already running?)",
                LocalCluster.lastLine(out, from));
        assertEquals("", LocalCluster.lastLine(dir.resolve("missing.out"), 0));
    }

    @Test
    void aNodeThatDoesNotJoinIsReportedWithTheLastLineOfItsLog(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("nodes.properties"), "node.1=127.0.0.1:" + LocalCluster.freePorts(1).get(0)
                + "\ntls=off\n");
        Files.createDirectories(dir.resolve("logs"));
        String refused = "node 1: resources/history.log: acknowledged records are missing [2026-12-02 05:30:50.902 ERROR]";
        Files.writeString(dir.resolve("logs").resolve("node-1.log"), "node 1: ==== run started ====\n" + refused + "\n");
        LocalCluster view = LocalCluster.open(dir, config, dir.resolve("shelf.jar"), List.of());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> view.awaitJoined(1, Duration.ofMillis(300)));
        assertTrue(e.getMessage().endsWith("within 300 ms; the last line of its log: " + refused), e.getMessage());
    }

    @Test
    void aNodeWaitingForItsDatabaseIsReportedAtOnceNotAfterTheTimeout(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("nodes.properties"), "node.1=127.0.0.1:" + LocalCluster.freePorts(1).get(0)
                + "\ntls=off\n");
        Files.createDirectories(dir.resolve("logs"));
        String waiting = "node 1: jdbc:postgresql://db:5432/shelf: …; waiting for the database (trying again every 1000 ms;"
                + " stop the node to give up) [2026-12-02 05:30:50.902 WARN]";
        Files.writeString(dir.resolve("logs").resolve("node-1.log"), "node 1: ==== run started ====\n" + waiting + "\n");
        LocalCluster view = LocalCluster.open(dir, config, dir.resolve("shelf.jar"), List.of());
        IllegalStateException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
                IllegalStateException.class, () -> view.awaitJoined(1, Duration.ofMinutes(10))));
        assertEquals("node 1 waits for the library's database before it listens, and joins once the database answers;"
                + " the last line of its log: " + waiting, e.getMessage());
    }

    @Test
    void freePortsAreDistinctAndBelowTheRangeOfOutgoingConnections() throws Exception {
        List<Integer> ports = LocalCluster.freePorts(9);
        assertEquals(9, Set.copyOf(ports).size(), ports.toString());
        int ephemeral = LocalCluster.ephemeralFrom();
        assertTrue(ports.stream().allMatch(p -> p >= 1024 && p < ephemeral), ephemeral + ": " + ports);
        for (int port : ports) { // free a moment ago: bindable now
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
        }
    }
}
