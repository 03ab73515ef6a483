package shelf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import shelf.fencing.FencingToken;

/**
 * An operator's hold that is no longer wanted ({@code admin end-hold}, Ctrl-C on {@code admin hold}, a hold whose
 * caller stopped waiting): cancelling it ends a running hold at once, releasing the lock to the next in line, and
 * withdraws one still queued, which then never takes the lock.
 */
class EndHoldSimTest {
    private static final long AGREEMENT_MS = 3_000;
    private static final int SIZE = 3;

    private static SimCluster agreed(long seed) {
        SimCluster c = new SimCluster(seed, SIZE);
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed + ": no agreement");
        return c;
    }

    /** A ten-minute operator hold on {@code node}, once granted. */
    private static CompletableFuture<FencingToken> granted(SimCluster c, int node, long seed) {
        CompletableFuture<FencingToken> hold = c.hold(node, 600_000);
        assertTrue(c.sim.runUntil(() -> c.status(node).heldToken() != null, AGREEMENT_MS), "seed " + seed + ": granted");
        return hold;
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aRunningHoldEndedEarlyReleasesTheLockToTheNextInLine(long seed) {
        SimCluster c = agreed(seed);
        CompletableFuture<FencingToken> hold = granted(c, 2, seed);
        CompletableFuture<FencingToken> next = c.hold(1, 10);
        c.sim.runFor(500);
        assertTrue(!next.isDone(), "seed " + seed + ": node 1 waits behind node 2's hold");

        hold.cancel(false);
        assertTrue(c.sim.runUntil(next::isDone, 1_000), "seed " + seed + ": node 1 granted once node 2's hold ended");
        assertNull(c.status(2).heldToken(), "seed " + seed + ": node 2 no longer holds");
        assertEquals(0, c.status(SIZE).lock().revocations(), "seed " + seed + ": released, not revoked");
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aQueuedHoldEndedBeforeItsGrantNeverTakesTheLock(long seed) {
        SimCluster c = agreed(seed);
        CompletableFuture<FencingToken> first = granted(c, 2, seed);
        CompletableFuture<FencingToken> queued = c.hold(1, 600_000);
        c.sim.runFor(300); // node 1's request is in the coordinator's queue

        queued.cancel(false);
        first.cancel(false);
        CompletableFuture<FencingToken> later = c.hold(SIZE, 10);
        assertTrue(c.sim.runUntil(later::isDone, 2_000), "seed " + seed + ": node 1's withdrawn hold took the lock");
        c.sim.runFor(1_000);
        assertNull(c.status(1).heldToken(), "seed " + seed + ": node 1 holds a hold nobody wants");
        assertEquals(-1, c.status(SIZE).lock().holder(), "seed " + seed + ": the lock is free");
    }
}
