package shelf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import shelf.config.Timings;
import shelf.fencing.FencingToken;
import shelf.lock.LockServer;
import shelf.protocol.Message;

/**
 * The lock's grant in the reply to the request's call (issue 19): a follower's cycle is one round trip, a grant in a
 * reply that is never read is revoked within the failure timeout, and under contention the lock stays first in, first
 * out and never waits for a tick.
 */
class LockReplySimTest {
    private static final long AGREEMENT_MS = 3_000;
    private static final int CYCLES = 50;

    private static SimCluster agreedCluster(long seed, int size) {
        SimCluster c = new SimCluster(seed, size);
        c.sim.afterEachEvent(c::checkOneCoordinatorPerEpoch);
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed + ": no agreement");
        return c;
    }

    /** Node {@code node} takes and releases the lock {@code cycles} times, each cycle asked for when the last one ends. */
    private static CompletableFuture<Void> cycles(SimCluster c, int node, int cycles) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        cycle(c, node, cycles, done);
        return done;
    }

    private static void cycle(SimCluster c, int node, int left, CompletableFuture<Void> done) {
        if (left == 0) {
            done.complete(null);
            return;
        }
        c.hold(node, 0).whenComplete((token, failed) -> {
            if (failed != null) {
                done.completeExceptionally(failed);
            } else {
                cycle(c, node, left - 1, done);
            }
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aFollowersGrantTravelsInTheReplyToItsRequestWhenTheLockIsFree(long seed) {
        SimCluster c = agreedCluster(seed, 5);
        long grantsBefore = c.status(5).lock().grants();
        int inRepliesBefore = c.network.carriedInReplies("LOCK_GRANT");
        CompletableFuture<Void> run = cycles(c, 1, CYCLES);
        assertTrue(c.sim.runUntil(run::isDone, 10_000), "seed " + seed);
        assertEquals(CYCLES, c.status(5).lock().grants() - grantsBefore, "seed " + seed);
        assertEquals(CYCLES, c.network.carriedInReplies("LOCK_GRANT") - inRepliesBefore,
                "seed " + seed + ": every grant came back in the reply to its request");
        assertEquals(0, c.status(5).lock().revocations(), "seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(10)
    void aGrantInAReplyThatIsNeverReadIsRevokedWithinTheFailureTimeout(long seed) {
        SimCluster c = agreedCluster(seed, 5);
        Timings timings = c.config.timings();
        long[] grantedAt = {-1};
        // Node 2 is killed the moment the coordinator grants it the lock: the reply carrying the grant is never read.
        c.network.beforeSend((to, m) -> {
            if (to == 2 && m instanceof Message.LockGrant && grantedAt[0] < 0) {
                grantedAt[0] = c.sim.nowMillis();
                c.crash(2);
            }
            return false;
        });
        c.network.drop((to, m) -> to == 2 && m instanceof Message.LockGrant); // and nobody hears it refused
        CompletableFuture<FencingToken> dead = c.hold(2, 0);
        assertTrue(c.sim.runUntil(() -> grantedAt[0] >= 0, 1_000), "seed " + seed + ": node 2 was granted");
        CompletableFuture<FencingToken> next = c.hold(3, 0);
        assertTrue(c.sim.runUntil(() -> c.status(5).lock().revocations() == 1, 5_000), "seed " + seed + ": revoked");
        long revokedAfter = c.sim.nowMillis() - grantedAt[0];
        assertTrue(revokedAfter <= timings.failureTimeoutMs(), "seed " + seed + ": revoked " + revokedAfter
                + " ms after the grant; the failure timeout is " + timings.failureTimeoutMs() + " ms");
        assertTrue(revokedAfter >= LockServer.firstLeaseMs(timings), "seed " + seed + ": not before the first lease");
        assertTrue(c.sim.runUntil(next::isDone, 1_000), "seed " + seed + ": the next waiter got the lock");
        assertTrue(!dead.isDone() || dead.isCompletedExceptionally(), "seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void underContentionGrantsAreFirstInFirstOutAndTheLockNeverWaitsForATick(long seed) {
        SimCluster c = agreedCluster(seed, 5);
        List<Integer> grantees = new ArrayList<>();
        c.network.beforeSend((to, m) -> {
            if (m instanceof Message.LockGrant) {
                grantees.add(to);
            }
            return false;
        });
        long started = c.sim.nowMillis();
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int node = 1; node <= 4; node++) {
            runs.add(cycles(c, node, CYCLES));
        }
        assertTrue(c.sim.runUntil(() -> runs.stream().allMatch(CompletableFuture::isDone), 20_000), "seed " + seed);
        long took = c.sim.nowMillis() - started;
        assertEquals(4 * CYCLES, grantees.size(), "seed " + seed);
        // First in, first out by arrival: a request sent a little earlier may arrive later (the links' jitter), so a node
        // may see another granted twice before it, never more: every node in every two rounds, until one is done.
        for (int i = 0; i + 8 <= 4 * (CYCLES - 1); i++) {
            assertEquals(4, new HashSet<>(grantees.subList(i, i + 8)).size(), "seed " + seed + ": grants " + grantees);
        }
        assertEquals(List.of(1, 2, 3, 4), grantees.subList(0, 4).stream().sorted().toList(), "seed " + seed);
        // A grant is a release's and a grant's trip (each at most 2.05 ms here); one that waited for a tick would take
        // a heartbeat interval (50 ms).
        long perGrantMs = 5;
        assertTrue(took <= grantees.size() * perGrantMs, "seed " + seed + ": " + grantees.size() + " grants took " + took
                + " ms");
        assertEquals(0, c.status(5).lock().revocations(), "seed " + seed);
    }
}
