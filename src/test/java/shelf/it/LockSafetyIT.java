package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.api.NodeStatus;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.FileLibraryStore;
import shelf.library.HistoryRecord;
import shelf.library.Op;

/** The lock's safety as an operator meets it: a hold that lost its lease, a forged fence repaired, a bad epoch file. */
class LockSafetyIT {
    private static final String MAIN = "shelf.cli.ShelfCommand";
    /** Ample on a loaded two-core machine (several JVMs per test). */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** The admin command's --timeout: a loaded machine may answer slowly; a slow answer is not what is tested. */
    private static final String ADMIN_TIMEOUT_MS = "20000";

    private static boolean holds(ClusterFixture f, int id) {
        return f.cluster.status(id).map(NodeStatus::heldToken).isPresent();
    }

    @Test
    void aHoldWhoseNodeWasPausedPastItsLeaseReportsTheLeaseLost(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 3)) {
            f.cluster.startAll();
            f.cluster.awaitAgreement(List.of(1, 2, 3), PATIENCE);
            CompletableFuture<ClusterFixture.Run> hold = CompletableFuture.supplyAsync(() -> {
                try {
                    return f.run(MAIN, "admin", "--timeout", ADMIN_TIMEOUT_MS, "-n", "2", "hold", "6000");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Awaitility.await().atMost(PATIENCE).until(() -> holds(f, 2));
            f.cluster.pause(2);
            // The coordinator revokes node 2's lease (1 s here) and grants node 1, which holds briefly.
            ClusterFixture.Run other = f.run(MAIN, "admin", "--timeout", ADMIN_TIMEOUT_MS, "-n", "1", "hold", "10");
            assertEquals(0, other.code(), other.toString());
            f.cluster.resume(2);

            ClusterFixture.Run r = hold.get();
            BadInputIT.assertOneLine(r, 3, "node 2 lost the cluster lock before the end of its 6000 ms hold: lease lost");
            assertFalse(r.out().contains("held the cluster lock"), r.out());
            String log = Files.readString(dir.resolve("logs/node-2.log"));
            assertTrue(log.lines().anyMatch(l -> l.contains("node 2: lease lost: token")), "a line of its own in the log");
            Awaitility.await().atMost(PATIENCE).until(() -> !holds(f, 2));

            // An operator's ten-minute hold whose command is interrupted (SIGTERM; bin/shelf passes Ctrl-C on as it):
            // the command asks the node to end the hold, and the lock is free again long before the ten minutes.
            Process holding = new ProcessBuilder(ClusterFixture.Launch.of(MAIN, "admin", "--timeout", ADMIN_TIMEOUT_MS,
                    "-n", "3", "hold", "600000").command()).directory(dir.toFile())
                    .redirectOutput(dir.resolve("hold.out").toFile()).redirectError(dir.resolve("hold.err").toFile()).start();
            try {
                Awaitility.await().atMost(PATIENCE).until(() -> holds(f, 3));
                holding.destroy();
                assertTrue(holding.waitFor(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
                String said = Files.readString(dir.resolve("hold.out"));
                assertTrue(said.contains("node 3 ended an operator hold early (600000 ms asked "), said);
                Awaitility.await().atMost(PATIENCE).until(() -> !holds(f, 3));
                assertTrue(Files.readString(dir.resolve("logs/node-3.log")).contains("node 3: admin ended 1 operator hold"));
            } finally {
                holding.destroyForcibly();
            }
        }
    }

    @Test
    void aForgedFenceIsRepairedByTheOperatorWithARecordOfWhoDidIt(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 2)) {
            FencingToken forged = new FencingToken(Long.MAX_VALUE, Long.MAX_VALUE);
            try (FileLibraryStore store = FileLibraryStore.open(dir.resolve("resources"), Clock.systemUTC(), 14, "forger")) {
                store.apply(forged, 1, List.of(new Command("forged-1", Op.BORROW, 3, "mallory")));
            }
            f.cluster.startAll();
            f.cluster.awaitAgreement(List.of(1, 2), PATIENCE);
            ClusterFixture.Run refused = f.run("RmiClient", "-u", "alice", "-n", "1", "borrow", "1");
            assertNotEquals(0, refused.code(), refused.toString());
            assertTrue(refused.err().contains("below the library's highest " + forged), refused.err());

            ClusterFixture.Run repair = f.run(MAIN, "admin", "--timeout", ADMIN_TIMEOUT_MS, "-n", "1", "fence-repair");
            assertEquals(0, repair.code(), repair.toString());
            assertTrue(repair.out().contains("repaired the library's fence: " + forged + " -> "), repair.out());
            assertEquals(0, f.run("RmiClient", "-u", "alice", "-n", "1", "borrow", "1").code(), "writes go on");

            List<HistoryRecord> history = f.history(2);
            HistoryRecord fence = history.get(1);
            assertEquals(Op.FENCE, fence.op(), history.toString());
            assertEquals(1, fence.node());
            assertFalse(fence.user().isBlank(), "the operator is named");
            assertTrue(Files.readString(dir.resolve("logs/node-1.log")).contains("fence repaired by"));
            ClusterFixture.Run again = f.run(MAIN, "admin", "--timeout", ADMIN_TIMEOUT_MS, "-n", "1", "fence-repair");
            BadInputIT.assertOneLine(again, 2, "nothing to repair");
        }
    }

    @Test
    void anEpochFileWithGarbageOrAnAbsurdEpochStopsTheNodeNamingTheFile(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 1)) {
            Path epochFile = dir.resolve("resources/node-1.epoch");
            for (String bad : List.of("garbage", "-5", "9223372036854775807")) {
                Files.writeString(epochFile, bad + "\n");
                BadInputIT.assertOneLine(f.run("RmiNode", "1"), 1, "node-1.epoch: not an epoch: '" + bad + "'");
                assertEquals(bad + "\n", Files.readString(epochFile), "the file is left as it was");
            }
        }
    }
}
