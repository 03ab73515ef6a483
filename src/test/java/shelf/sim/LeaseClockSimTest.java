package shelf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import shelf.election.Role;
import shelf.fencing.FencingToken;
import shelf.lock.LockPhase;

/** The holder's own lease clock: a holder paused past its lease learns, when it resumes, that it no longer holds. */
class LeaseClockSimTest {
    private static final long AGREEMENT_MS = 3_000;
    private static final int SIZE = 3;
    private static final int HOLDER = 2;

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aHolderPausedPastItsLeaseReportsTheHoldLostAndStopsHolding(long seed) {
        SimCluster c = new SimCluster(seed, SIZE);
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed + ": no agreement");
        CompletableFuture<FencingToken> hold = c.hold(HOLDER, 6_000);
        assertTrue(c.sim.runUntil(() -> c.status(HOLDER).heldToken() != null, AGREEMENT_MS), "seed " + seed + ": granted");
        c.pause(HOLDER);
        CompletableFuture<FencingToken> other = c.hold(1, 10);
        assertTrue(c.sim.runUntil(other::isDone, 3_000), "seed " + seed + ": the coordinator revoked and granted node 1");
        assertEquals(1, c.status(SIZE).lock().revocations(), "seed " + seed);
        c.resume(HOLDER);
        assertTrue(c.sim.runUntil(hold::isDone, 1_000), "seed " + seed + ": the hold ends on resuming, not after 6 s");
        CompletionException lost = Assertions.assertThrows(CompletionException.class, hold::join);
        assertTrue(lost.getCause().getMessage().contains("lease lost"), lost.getCause().getMessage());
        assertNull(c.status(HOLDER).heldToken(), "seed " + seed + ": node 2 no longer acts as holder");
    }

    /**
     * A holder whose own file says a longer lease (lease.ms=5000, the others' 500) counts the coordinator's lease after
     * a renewal, not its own: paused for a second, it has lost the lock when it resumes, as the coordinator has revoked
     * and granted it to node 1 meanwhile. Before the grant carried the coordinator's lease, node 2 went on holding.
     */
    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aHolderWithALongerLeaseInItsOwnFileCountsTheCoordinatorsLease(long seed) {
        SimCluster c = new SimCluster(seed, SIZE);
        c.ownSettings(HOLDER, "lease.ms=5000");
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed + ": no agreement");
        CompletableFuture<FencingToken> hold = c.hold(HOLDER, 20_000);
        assertTrue(c.sim.runUntil(() -> c.status(HOLDER).heldToken() != null, AGREEMENT_MS), "seed " + seed + ": granted");
        c.sim.runFor(300); // several renewals: the held lease is now the renewed one
        c.pause(HOLDER);
        CompletableFuture<FencingToken> other = c.hold(1, 10);
        assertTrue(c.sim.runUntil(other::isDone, 3_000), "seed " + seed + ": the coordinator revoked and granted node 1");
        c.resume(HOLDER);
        assertTrue(c.sim.runUntil(hold::isDone, 1_000), "seed " + seed + ": node 2 still held, 5 s by its own file");
        CompletionException lost = Assertions.assertThrows(CompletionException.class, hold::join);
        assertTrue(lost.getCause().getMessage().contains("lease lost"), lost.getCause().getMessage());
    }

    /**
     * The same across a failover: nodes 1 and 3 say lease.ms=5000, node 2 500. Node 1 holds under coordinator 3; node
     * 3 crashes, node 2 takes over and lets node 1 keep the mutex; node 1, paused for a second, has lost it when it
     * resumes, as node 2 revoked it after its own 500 ms. Before the recovery query carried the new coordinator's
     * lease, node 1 counted coordinator 3's 5 s and went on holding.
     */
    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aHolderKeptByANewCoordinatorCountsThatOnesShorterLease(long seed) {
        SimCluster c = new SimCluster(seed, SIZE);
        c.ownSettings(1, "lease.ms=5000");
        c.ownSettings(SIZE, "lease.ms=5000");
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed + ": no agreement");
        CompletableFuture<FencingToken> hold = c.hold(1, 20_000);
        assertTrue(c.sim.runUntil(() -> c.status(1).heldToken() != null, AGREEMENT_MS), "seed " + seed + ": granted");
        c.sim.runFor(300);
        c.crash(SIZE);
        assertTrue(c.sim.runUntil(() -> c.status(2).role() == Role.COORDINATOR
                && c.status(2).lock().phase() == LockPhase.SERVING, AGREEMENT_MS), "seed " + seed + ": node 2 took over");
        assertEquals(1, c.status(2).lock().holder(), "seed " + seed + ": node 1 kept the mutex");
        c.sim.runFor(200); // node 1 renews at node 2
        c.pause(1);
        CompletableFuture<FencingToken> other = c.hold(2, 10);
        assertTrue(c.sim.runUntil(other::isDone, 3_000), "seed " + seed + ": node 2 revoked and granted itself");
        c.resume(1);
        assertTrue(c.sim.runUntil(hold::isDone, 1_000), "seed " + seed + ": node 1 still held, 5 s by coordinator 3's lease");
        CompletionException lost = Assertions.assertThrows(CompletionException.class, hold::join);
        assertTrue(lost.getCause().getMessage().contains("lease lost"), lost.getCause().getMessage());
    }
}
