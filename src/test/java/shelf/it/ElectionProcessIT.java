package shelf.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.api.NodeStatus;
import shelf.election.Role;

/** Issue 3 with real processes: five node JVMs, kill -9, SIGSTOP and SIGCONT. */
class ElectionProcessIT {

    /** The nodes that say they are coordinator, ascending. */
    private static List<Integer> coordinators(ClusterFixture f) {
        return List.of(1, 2, 3, 4, 5).stream().map(id -> f.cluster.status(id).orElseThrow())
                .filter(s -> s.role() == Role.COORDINATOR).map(NodeStatus::id).toList();
    }

    private static long epochOf(ClusterFixture f, int id) {
        return f.cluster.status(id).map(NodeStatus::epoch).orElseThrow();
    }

    @Test
    void nodesStartedOneByOneEachHigherOneTakesOverWithANewerEpoch(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 5)) {
            List<Integer> started = new ArrayList<>();
            long lastEpoch = 0;
            for (int id = 1; id <= 5; id++) {
                f.cluster.start(id);
                started.add(id);
                assertEquals(id, f.awaitAgreement(started), "the newest, highest node leads");
                long epoch = epochOf(f, id);
                assertTrue(epoch > lastEpoch, "epoch " + epoch + " after " + lastEpoch);
                lastEpoch = epoch;
            }
        }
    }

    @Test
    void killingTheCoordinatorElectsTheHighestLiveNodeAndARestartedNodeNeverReusesAnEpoch(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 5)) {
            f.cluster.startAll();
            assertEquals(5, f.awaitAgreement(List.of(1, 2, 3, 4, 5)));
            long epoch = epochOf(f, 5);
            for (int dead = 5; dead >= 3; dead--) {
                f.cluster.kill(dead);
                List<Integer> live = f.cluster.liveIds();
                assertEquals(dead - 1, f.awaitAgreement(live), "after kill -9 of node " + dead);
                long next = epochOf(f, dead - 1);
                assertTrue(next > epoch, next + " > " + epoch);
                epoch = next;
            }
            Map<Integer, Long> persisted = new TreeMap<>();
            for (int id = 3; id <= 5; id++) {
                persisted.put(id, Long.parseLong(Files.readString(dir.resolve("resources/node-" + id + ".epoch")).strip()));
            }
            for (int id = 3; id <= 5; id++) {
                f.cluster.start(id);
            }
            assertEquals(5, f.awaitAgreement(List.of(1, 2, 3, 4, 5)));
            assertTrue(epochOf(f, 5) > persisted.values().stream().mapToLong(Long::longValue).max().orElseThrow(),
                    "the restarted coordinator's epoch is above every epoch persisted before: " + persisted);
        }
    }

    @Test
    void aPausedCoordinatorIsReplacedAndAfterSigcontOneCoordinatorRemains(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 5)) {
            f.cluster.startAll();
            assertEquals(5, f.awaitAgreement(List.of(1, 2, 3, 4, 5)));
            for (int round = 0; round < 2; round++) {
                f.cluster.pause(5);
                assertEquals(4, f.awaitAgreement(List.of(1, 2, 3, 4)), "others elect the next highest");
                long replacedEpoch = epochOf(f, 4);
                f.cluster.resume(5);
                assertEquals(5, f.awaitAgreement(List.of(1, 2, 3, 4, 5)), "by the Bully rule the highest leads again");
                assertTrue(epochOf(f, 5) > replacedEpoch);
                // Bully promises one coordinator eventually, not at every instant: the statuses read just after the
                // nodes agreed once showed two (one CI run, under the load of the other process tests; the nodes' logs
                // were not kept), which a lower node that timed out on the resumed one and elected itself for a moment,
                // until overruled, would explain. A second coordinator that persists still fails, naming both.
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                        assertEquals(List.of(5), coordinators(f), "one coordinator remains, the highest"));
            }
        }
    }

    @Test
    void pausingAFollowerChangesNothingAndAnUnreachablePeerIsNoObstacle(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 5)) {
            for (int id = 1; id <= 4; id++) {
                f.cluster.start(id);
            }
            assertEquals(4, f.awaitAgreement(List.of(1, 2, 3, 4)), "node 5 is configured but never started");
            long epoch = epochOf(f, 4);
            f.cluster.pause(2);
            Thread.sleep(1_500);
            f.cluster.resume(2);
            assertEquals(4, f.awaitAgreement(List.of(1, 2, 3, 4)));
            assertEquals(epoch, epochOf(f, 4), "a follower's pause causes no election");
        }
    }
}
