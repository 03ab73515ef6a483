package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower killed with {@code kill -9} while its lock cycles run (issue 19): its last grant does not keep the lock for
 * the lease, whichever way it went. A grant travels in the reply to the follower's request when the coordinator handles
 * that call on its RMI thread, or as a {@code deliver} call of its own (whose reply brings the release and the next
 * request) when the grant was made on another thread; the cycles fall into either way and stay there until a busy
 * moment on one side switches them. A grant in a reply never read is revoked by the short first lease (the failure
 * timeout less one heartbeat interval); a grant call that fails, at once. The lease here is 60 s, so only those can
 * free the lock for node 2, the coordinator, within the admin command's 20 s. Two nodes, so that the test is short.
 */
class LockReplyKillIT {
    private static final String MAIN = "shelf.cli.ShelfCommand";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String ADMIN_TIMEOUT_MS = "20000";
    private static final Pattern REVOKED = Pattern.compile("node 2: lock revoked from node 1 \\(token [^)]*\\): "
            + "(?:lease lapsed without renewal, (\\d+) ms after the grant|grant could not be delivered to node 1)");

    private static final Pattern REVOKED_BY_3 = Pattern.compile(
            "node 3: lock revoked from node 1 \\(token [^)]*\\): [^\\n]*?(\\d+) ms after the grant");

    @Test
    void aFollowerKilledMidCycleLosesTheLockByItsFirstLeaseNotItsLease(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 2, 10, Map.of("lease.ms", "60000"), ClusterFixture.NODE_JVM)) {
            f.cluster.startAll();
            f.cluster.awaitAgreement(List.of(1, 2), PATIENCE);
            CompletableFuture<ClusterFixture.Run> cycles = CompletableFuture.supplyAsync(() -> {
                try {
                    return f.run(MAIN, "admin", "--timeout", ADMIN_TIMEOUT_MS, "-n", "1", "cycles", "10000");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Awaitility.await().atMost(PATIENCE).until(() -> f.cluster.status(2)
                    .map(s -> s.lock().grants() > 50).orElse(false));
            f.cluster.kill(1);
            cycles.get();

            ClusterFixture.Run next = f.run(MAIN, "admin", "--timeout", ADMIN_TIMEOUT_MS, "-n", "2", "hold", "10");
            assertEquals(0, next.code(), "node 2, the coordinator, got the lock the dead node 1 was granted: " + next);
            String log = Files.readString(dir.resolve("logs/node-2.log"));
            Matcher revoked = REVOKED.matcher(log);
            assertTrue(revoked.find(), "the coordinator revoked the dead node's grant, by its first lease or at once; log:\n"
                    + log.lines().filter(l -> l.contains("revoked")).toList());
            if (revoked.group(1) != null) {
                long after = Long.parseLong(revoked.group(1));
                assertTrue(after < 30_000, "revoked " + after + " ms after the grant: the first lease, not the 60 s lease");
            }
        }
    }

    /**
     * Nodes 1 and 2 cycle on coordinator 3's lock at once, so each waits in the queue behind the other; node 1 is killed
     * meanwhile: holder (its grant read or not), waiter or between the two, the lock is not stuck for the 60 s lease
     * (a grant whose callback fails is revoked at once, one in a reply never read by its first lease), node 2's cycles
     * end and node 3 gets it.
     */
    @Test
    void aContendingNodeKilledDoesNotKeepTheLock(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 3, 10, Map.of("lease.ms", "60000"), ClusterFixture.NODE_JVM)) {
            f.cluster.startAll();
            f.cluster.awaitAgreement(List.of(1, 2, 3), PATIENCE);
            CompletableFuture<ClusterFixture.Run> one = cycles(f, 1, "10000");
            CompletableFuture<ClusterFixture.Run> two = cycles(f, 2, "1500");
            Awaitility.await().atMost(PATIENCE).until(() -> f.cluster.status(3) // both cycling: the queue is in use
                    .map(s -> s.lock().grants() > 300).orElse(false));
            f.cluster.kill(1);
            one.get();

            assertEquals(0, two.get().code(), "node 2's cycles ended despite the dead waiter: " + two.get());
            ClusterFixture.Run next = f.run(MAIN, "admin", "--timeout", ADMIN_TIMEOUT_MS, "-n", "3", "hold", "10");
            assertEquals(0, next.code(), "node 3, the coordinator, got the lock: " + next);
            String log = Files.readString(dir.resolve("logs/node-3.log"));
            Matcher revoked = REVOKED_BY_3.matcher(log);
            if (revoked.find()) { // node 1 held the lock, or was granted it in a reply it never read, when it died
                long after = Long.parseLong(revoked.group(1));
                assertTrue(after < 30_000, "revoked " + after + " ms after the grant: the first lease, not the 60 s lease");
            }
        }
    }

    private static CompletableFuture<ClusterFixture.Run> cycles(ClusterFixture f, int node, String count) {
        CompletableFuture<ClusterFixture.Run> run = new CompletableFuture<>();
        Thread t = new Thread(() -> { // its own thread: the common pool may run one task at a time on two cores
            try {
                run.complete(f.run(MAIN, "admin", "--timeout", ADMIN_TIMEOUT_MS, "-n", String.valueOf(node), "cycles", count));
            } catch (Exception e) {
                run.completeExceptionally(e);
            }
        }, "cycles-" + node);
        t.setDaemon(true);
        t.start();
        return run;
    }
}
