package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.library.HistoryRecord;
import shelf.library.Json;

/**
 * Clients and operators that keep working while the cluster is failing, with real node processes: the client fails
 * over from a node killed with kill -9 and says so on stderr; a paused (SIGSTOP) node costs seconds, to a client and
 * to {@code admin --all status}, which shows it as a {@code NO ANSWER} row.
 */
class FailoverIT {
    private static final String ADMIN = "shelf.cli.ShelfCommand";

    @Test
    void aClientFailsOverFromADeadNodeAndAPausedNodeCostsSeconds(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 3)) {
            f.cluster.startAll();
            f.awaitAgreement(List.of(1, 2, 3));
            int port1 = f.cluster.config().node(1).orElseThrow().port();

            f.cluster.kill(1);
            ClusterFixture.Run borrow = f.run("RmiClient", "-u", "alice", "-n", "1", "borrow", "3");
            assertEquals(0, borrow.code(), borrow.toString());
            // node 2 as a rule; node 3 when node 2's first (TLS) answer took over a second on a busy machine
            Matcher served = Pattern.compile("^served by node ([23]) \\(node 1 at 127\\.0\\.0\\.1:" + port1
                    + " is not running \\(connection refused\\)(; node 2 at .* did not answer within .*)?\\)$")
                    .matcher(borrow.err().strip());
            assertTrue(served.matches(), borrow.toString());
            assertTrue(borrow.out().contains("alice borrowed"), borrow.toString());
            List<HistoryRecord> history = f.history(2);
            assertEquals(1, history.size(), history.toString());
            assertEquals(Integer.parseInt(served.group(1)), history.get(0).node());

            ClusterFixture.Run json = f.run("RmiClient", "-u", "alice", "-n", "1", "--json", "renew", "3");
            assertEquals(0, json.code(), json.toString());
            assertEquals(1, json.out().strip().lines().count(), json.toString());
            assertTrue(Json.MAPPER.readTree(json.out()).get("ok").asBoolean(), json.toString());
            assertTrue(json.err().startsWith("served by node "), json.toString());

            ClusterFixture.Run strict = f.run("RmiClient", "-u", "alice", "-n", "1", "--no-failover", "--json", "list");
            assertEquals(3, strict.code(), strict.toString());
            JsonNode error = Json.MAPPER.readTree(strict.out());
            assertEquals("unavailable", error.get("error").asText(), strict.toString());

            f.cluster.pause(2);
            try {
                long started = System.nanoTime();
                ClusterFixture.Run list = f.run("RmiClient", "-u", "carol", "-n", "2", "list");
                long listMs = (System.nanoTime() - started) / 1_000_000;
                assertEquals(0, list.code(), list.toString());
                assertTrue(list.err().startsWith("served by node 3 (node 2 at 127.0.0.1:"), list.toString());
                assertTrue(listMs < 8_000, "a paused node costs seconds: " + listMs + " ms");

                started = System.nanoTime();
                ClusterFixture.Run status = f.run(ADMIN, "admin", "--all", "status");
                long statusMs = (System.nanoTime() - started) / 1_000_000;
                assertEquals(3, status.code(), status.toString());
                List<String> rows = status.out().strip().lines().toList();
                assertEquals(4, rows.size(), status.toString());
                assertTrue(rows.get(1).matches("1 +DOWN .*"), status.toString());
                assertTrue(rows.get(2).matches("2 +NO ANSWER .*"), status.toString());
                assertTrue(rows.get(3).startsWith("3 "), status.toString());
                assertTrue(statusMs < 8_000, "admin --all status with a paused node: " + statusMs + " ms");
            } finally {
                f.cluster.resume(2);
            }
        }
    }
}
