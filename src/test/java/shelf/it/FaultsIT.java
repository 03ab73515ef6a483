package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.api.NodeStatus;
import shelf.library.HistoryRecord;

/**
 * The operator's faults on a real five-node cluster: {@code admin partition} splits it (the majority side elects its own
 * coordinator, every node's status and the status table show the faults), {@code admin heal} brings back one
 * coordinator; a store write fault fails a client's borrow with a clear error, nothing applied, and once cleared the
 * same borrow goes through once.
 */
class FaultsIT {
    private static final String ADMIN = "shelf.cli.ShelfCommand";
    private static final Duration SETTLE = Duration.ofSeconds(60);
    /** A cold admin JVM's first TLS handshakes with five nodes take seconds on a loaded machine. */
    private static final String TIMEOUT = "15000";

    @Test
    void partitionShowsInStatusHealRestoresOneCoordinatorAndAStoreFaultLosesNothing(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 5)) {
            f.cluster.startAll();
            assertEquals(5, f.cluster.awaitAgreement(List.of(1, 2, 3, 4, 5), SETTLE));

            ClusterFixture.Run partition = f.run(ADMIN, "admin", "--timeout", TIMEOUT, "partition", "1,2,3/4,5");
            assertEquals(0, partition.code(), partition.toString());
            assertTrue(partition.out().contains("node 1: network faults blocked 4,5 (were none)"), partition.toString());
            assertTrue(partition.out().contains("node 5: network faults blocked 1,2,3 (were none)"), partition.toString());
            Awaitility.await().atMost(SETTLE).until(() -> List.of(1, 2, 3).stream()
                    .allMatch(id -> f.cluster.status(id).map(s -> s.coordinator() == 3).orElse(false)));
            assertEquals("blocked 1,2,3", f.cluster.status(4).map(NodeStatus::faults).orElseThrow());
            ClusterFixture.Run table = f.run(ADMIN, "admin", "--timeout", TIMEOUT, "--all", "status");
            assertEquals(0, table.code(), table.toString());
            assertTrue(table.out().lines().filter(row -> row.endsWith("FAULTS: blocked 4,5")).count() == 3, table.toString());

            ClusterFixture.Run bad = f.run(ADMIN, "admin", "--timeout", TIMEOUT, "partition", "1,2/3,4");
            assertEquals(2, bad.code(), bad.toString());
            assertEquals("partition: '1,2/3,4' puts no side around node(s) [5]: name every node of [1, 2, 3, 4, 5]",
                    bad.err().strip());

            ClusterFixture.Run heal = f.run(ADMIN, "admin", "--timeout", TIMEOUT, "heal");
            assertEquals(0, heal.code(), heal.toString());
            assertEquals(5, f.cluster.awaitAgreement(List.of(1, 2, 3, 4, 5), SETTLE));
            for (int id = 1; id <= 5; id++) {
                assertEquals(Optional.of("none"), f.cluster.status(id).map(NodeStatus::faults), "node " + id);
            }

            ClusterFixture.Run fault = f.run(ADMIN, "admin", "--timeout", TIMEOUT, "-n", "2", "store-fault", "write");
            assertEquals(0, fault.code(), fault.toString());
            assertEquals(Optional.of("store write failures"), f.cluster.status(2).map(NodeStatus::faults));
            ClusterFixture.Run refused = f.run("RmiClient", "-u", "alice", "-n", "2", "--no-failover", "borrow", "3");
            assertEquals(3, refused.code(), refused.toString());
            assertTrue(refused.err().contains("node 2 could not write the library") && refused.err().contains(
                    "injected write failure"), refused.toString());
            // one line of error; a busy machine may add the client's notice that it is still waiting (after 1 s)
            assertEquals(1, refused.err().strip().lines().filter(l -> !l.startsWith("waiting for node ")).count(),
                    refused.toString());
            assertEquals(List.of(), f.history(2), "nothing applied");

            assertEquals(0, f.run(ADMIN, "admin", "--timeout", TIMEOUT, "heal").code());
            ClusterFixture.Run borrow = f.run("RmiClient", "-u", "alice", "-n", "2", "--no-failover", "borrow", "3");
            assertEquals(0, borrow.code(), borrow.toString());
            List<HistoryRecord> history = f.history(5);
            assertEquals(1, history.size(), history.toString());
            assertEquals("alice", history.get(0).user());
        }
    }
}
