package shelf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.Op;
import shelf.library.Outcome;

/**
 * The library's fence and the election's epochs: a term never starts below the library's highest token epoch, and a
 * write the library refuses as stale teaches the holder that epoch without starting an election.
 */
class LibraryFenceSimTest {
    private static final long AGREEMENT_MS = 3_000;
    private static final long OPERATION_MS = 10_000;
    private static final int SIZE = 5;

    private static void writeDirectly(SimCluster c, FencingToken token, int book) {
        assertNotNull(c.store.apply(token, token.counter() > 0 ? SIZE : 1,
                List.of(new Command("direct-" + book, Op.BORROW, book, "mallory"))), "the planted write is accepted");
    }

    private static Outcome done(SimCluster c, CompletableFuture<Outcome> f) {
        assertTrue(c.sim.runUntil(f::isDone, OPERATION_MS), "seed " + c.sim.seed() + ": operation did not complete");
        return f.join();
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aClusterWhoseEpochFilesWereLostElectsAboveTheLibrarysHighestTokenEpoch(long seed) {
        SimCluster c = new SimCluster(seed, SIZE);
        c.sim.afterEachEvent(c::checkOneCoordinatorPerEpoch);
        writeDirectly(c, new FencingToken(35, 5), 1); // an earlier life of the cluster reached epoch 35; no epoch files
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed + ": no agreement");
        assertTrue(c.status(SIZE).epoch() > 35, "seed " + seed + ": elected epoch " + c.status(SIZE).epoch());
        assertTrue(done(c, c.submit(2, new Command("r1", Op.BORROW, 2, "alice"))).ok(), "seed " + seed + ": writes go on");
        assertEquals(0, c.store.fencedWrites(), "seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aStaleRefusalSaysWhatHappenedTeachesTheEpochAndStartsNoElection(long seed) {
        SimCluster c = new SimCluster(seed, SIZE);
        c.sim.afterEachEvent(c::checkOneCoordinatorPerEpoch);
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed + ": no agreement");
        long term = c.status(SIZE).epoch();
        FencingToken ahead = new FencingToken(term + 80, 1);
        writeDirectly(c, ahead, 1); // another writer moved the library's fence above this cluster's term
        Map<Integer, Long> rounds = new HashMap<>();
        for (int id = 1; id <= SIZE; id++) {
            rounds.put(id, c.rounds(id));
        }

        CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> done(c, c.submit(2, new Command("r1", Op.BORROW, 2, "alice"))));
        String message = refused.getCause().getMessage();
        assertTrue(message.contains("below the library's highest " + ahead), message);
        assertFalse(message.contains("lapsed"), message);
        c.sim.runFor(2_000);
        for (int id = 1; id <= SIZE; id++) {
            assertEquals(rounds.get(id), c.rounds(id), "seed " + seed + ": node " + id + " started no election");
        }
        assertEquals(term, c.status(SIZE).epoch(), "seed " + seed + ": the term goes on");

        c.startElection(2); // the operator's election, from the node that learned the fence
        assertTrue(c.sim.runUntil(() -> c.agreed() && c.status(SIZE).epoch() > ahead.epoch(), AGREEMENT_MS),
                "seed " + seed + ": the next term lies above the library's fence: " + c.status(SIZE).epoch());
        assertTrue(done(c, c.submit(2, new Command("r2", Op.BORROW, 2, "alice"))).ok(), "seed " + seed);
    }
}
