package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every request is one line of the client's log, failures included, with its request id, the node asked, the node
 * that served, the outcome and the time; a change's request id is in the log of the node that handled it too, so one
 * grep joins the two (issue 15, item 4).
 */
class RequestLogIT {
    private static final Pattern REQUEST = Pattern.compile("client alice: request ([0-9a-f-]{36}): (.*) \\((\\d+) ms\\)");

    @Test
    void eachRequestIsALineOfTheClientLogAndItsIdIsInTheNodeLog(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 3)) {
            f.cluster.startAll();
            f.awaitAgreement(List.of(1, 2, 3));

            // Node 2 holds the cluster lock longer than node 1 may make a client wait: node 1 answers "unavailable".
            CompletableFuture<String> hold = CompletableFuture.supplyAsync(() -> {
                try {
                    return f.cluster.admin(2).holdLock(12_000);
                } catch (Exception e) {
                    return e.toString();
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> f.cluster.status(3).map(s -> s.lockHolder() == 2).orElse(false));
            ClusterFixture.Run failed = f.run("RmiClient", "-u", "alice", "-n", "1", "--no-failover", "borrow", "3");
            assertEquals(3, failed.code(), failed.toString());
            hold.join();

            Matcher line = lastRequest(dir);
            assertTrue(line.group(2).startsWith("borrow 3: asked node 1, served by none: exit 3 unavailable: "), line.group());
            assertTrue(nodeLog(dir, 1).contains(line.group(1)), "node 1's log names request " + line.group(1));

            f.cluster.kill(1);
            ClusterFixture.Run served = f.run("RmiClient", "-u", "alice", "-n", "1", "borrow", "3");
            assertEquals(0, served.code(), served.toString());
            line = lastRequest(dir);
            // node 2 or node 3, whichever the failover reached first
            Matcher servedBy = Pattern.compile("^borrow 3: asked node 1, served by node ([23]): exit 0 ok")
                    .matcher(line.group(2));
            assertTrue(servedBy.find(), line.group());
            int server = Integer.parseInt(servedBy.group(1));
            assertTrue(nodeLog(dir, server).contains(line.group(1)), "node " + server + "'s log names request " + line.group(1));

            f.cluster.kill(2);
            f.cluster.kill(3);
            ClusterFixture.Run none = f.run("RmiClient", "-u", "alice", "-n", "2", "list");
            assertEquals(3, none.code(), none.toString());
            line = lastRequest(dir);
            assertTrue(line.group(2).startsWith("list: asked node 2, served by none: exit 3 unavailable: no node could serve"),
                    line.group());
            List<String> lines = Files.readAllLines(dir.resolve("logs").resolve("client-alice.log"));
            assertTrue(lines.stream().anyMatch(l -> l.contains("could not serve")), String.join("\n", lines));
            assertEquals(List.of(), lines.stream().filter(l -> !l.startsWith("client alice: ")).toList(),
                    "every line of the client log begins with its user, as the node log's begin with the node");
        }
    }

    /** The client log's last request line. */
    private static Matcher lastRequest(Path dir) throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("logs").resolve("client-alice.log"));
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = REQUEST.matcher(lines.get(i));
            if (m.find()) {
                return m;
            }
        }
        throw new AssertionError("no request line in the client log:\n" + String.join("\n", lines));
    }

    private static String nodeLog(Path dir, int id) throws Exception {
        return Files.readString(dir.resolve("logs").resolve("node-" + id + ".log"));
    }
}
