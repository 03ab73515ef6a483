package shelf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import shelf.library.Command;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.protocol.Message;

/**
 * Repeated messages cannot drive a node into an election storm, an answer storm or a log flood: a repeat changes
 * nothing the first copy did not, answers to peers that follow no term of ours are rate-limited, news starts at most
 * one round per back-off, and a storm of rounds that end without a coordinator backs off.
 */
class FloodSimTest {
    private static final long AGREEMENT_MS = 3_000;
    private static final int SIZE = 5;
    private static final int COORDINATOR = 5;
    /** The simulation's heartbeat interval; peers that follow no term of ours are answered at most every half of it. */
    private static final long HEARTBEAT_MS = 50;

    @ParameterizedTest(name = "seed {0}")
    @Seeds(3)
    void aFloodOfOksChangesNothingAndLogsAlmostNothing(long seed) {
        SimCluster c = agreedCluster(seed);
        long epoch = c.status(COORDINATOR).epoch();
        Map<Integer, Long> rounds = rounds(c);
        Map<Integer, Long> stored = stored(c);
        try (LogLines log = new LogLines()) {
            for (int to = 1; to < SIZE; to++) {
                flood(c, to, 20_000, 10, i -> new Message.Ok(COORDINATOR, epoch)); // 100,000 a second each
            }
            c.sim.runFor(1_000);
            for (int id = 1; id < SIZE; id++) {
                assertTrue(log.of(id) <= 2, "seed " + seed + ": node " + id + " logged " + log.of(id) + " lines");
            }
        }
        assertEquals(rounds, rounds(c), "seed " + seed + ": no round anywhere");

        // OKs that each carry a newer epoch: still no round, no fsync per message, and a bounded log.
        try (LogLines log = new LogLines()) {
            flood(c, 1, 20_000, 10, i -> new Message.Ok(COORDINATOR, epoch + 10L * (i + 1)));
            c.sim.runFor(1_000);
            assertTrue(log.of(1) <= 60, "seed " + seed + ": node 1 logged " + log.of(1) + " lines");
        }
        assertEquals(rounds, rounds(c), "seed " + seed + ": no round anywhere");
        assertEquals(stored, stored(c), "seed " + seed + ": no epoch file written");

        // During an election the candidates' own OKs still count, once.
        c.crash(COORDINATOR);
        try (LogLines log = new LogLines()) {
            flood(c, 1, 20_000, 10, i -> new Message.Ok(4, epoch));
            assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed + ": agreement despite the flood");
            assertEquals(4, c.status(1).coordinator());
            c.sim.runFor(1_000);
            assertTrue(log.containing("node 1: received Ok").size() <= 5, "seed " + seed + ": "
                    + log.containing("node 1: received Ok").size() + " OK lines");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void anOkFromALowerNodeDoesNotHoldUpAFailover(long seed) {
        SimCluster c = agreedCluster(seed);
        long epoch = c.status(COORDINATOR).epoch();
        flood(c, 4, 10_000, 50, i -> new Message.Ok(1, epoch)); // node 4 would wait for a COORDINATOR that never comes
        long crashed = c.sim.nowMillis();
        c.crash(COORDINATOR);
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed);
        long took = c.sim.nowMillis() - crashed;
        assertTrue(took < 2 * HEARTBEAT_MS + 50, "seed " + seed + ": node 4 took over after " + took + " ms");
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aRepeatedStaleStartsOneElection(long seed) {
        SimCluster c = agreedCluster(seed);
        long epoch = c.status(COORDINATOR).epoch();
        Map<Integer, Long> before = rounds(c);
        try (LogLines log = new LogLines()) {
            flood(c, COORDINATOR, 10_000, 100, i -> new Message.Stale(1, epoch + 100, 1));
            c.sim.runFor(2_000);
            assertTrue(log.of(COORDINATOR) <= 30, "seed " + seed + ": node 5 logged " + log.of(COORDINATOR) + " lines");
        }
        assertEquals(before.get(COORDINATOR) + 1, c.rounds(COORDINATOR), "seed " + seed + ": one round at node 5");
        for (int id = 1; id < SIZE; id++) {
            assertEquals(before.get(id), c.rounds(id), "seed " + seed + ": node " + id + " just follows the new term");
        }
        assertTrue(c.agreed() && c.status(1).epoch() > epoch + 100, "seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aStaleFromTheCoordinatorItselfCountsOncePerTerm(long seed) {
        SimCluster c = agreedCluster(seed);
        long epoch = c.status(COORDINATOR).epoch();
        Map<Integer, Long> before = rounds(c);
        for (int to = 1; to < SIZE; to++) {
            flood(c, to, 1_000, 100, i -> new Message.Stale(COORDINATOR, epoch, -1));
        }
        c.sim.runFor(2_000);
        for (int id = 1; id < SIZE; id++) {
            assertTrue(c.rounds(id) - before.get(id) <= 1, "seed " + seed + ": node " + id + " held "
                    + (c.rounds(id) - before.get(id)) + " rounds");
        }
        assertTrue(c.agreed() && c.status(1).epoch() == epoch, "seed " + seed + ": node 5 still leads the same term");
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aStaleFloodWithEverNewerEpochsForcesFewElectionsAndLeavesTheLockUsable(long seed) {
        SimCluster c = agreedCluster(seed);
        long runMs = 5_000;
        int quiet = operationsFor(c, 2, runMs, "quiet");
        long epoch = c.status(COORDINATOR).epoch();
        long before = c.rounds(COORDINATOR);
        int flooded;
        try (LogLines log = new LogLines()) {
            flood(c, COORDINATOR, (int) runMs, 1_000, i -> new Message.Stale(1, epoch + 10L * (i + 1), 1));
            flooded = operationsFor(c, 2, runMs, "flooded");
            // Each STALE is news (a newer epoch): at most 50 lines a second of them, and a few per election.
            long lines = log.containing("node 5: received Stale").size() + log.containing("node 5: next election").size();
            assertTrue(lines <= 50 * runMs / 1_000 + 20, "seed " + seed + ": node 5 logged " + lines + " lines for the flood");
        }
        long elections = c.rounds(COORDINATOR) - before;
        assertTrue(elections <= 15, "seed " + seed + ": " + elections + " elections in " + runMs + " ms");
        assertTrue(flooded >= quiet / 2, "seed " + seed + ": " + flooded + " operations under the flood, " + quiet + " without");
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void heartbeatsFromNodesThatFollowNoTermOfOursAreAnsweredAtABoundedRate(long seed) {
        SimCluster c = agreedCluster(seed);
        long epoch = c.status(COORDINATOR).epoch();
        Map<Integer, Long> before = rounds(c);
        long coordinatorAnswers = sent(c, COORDINATOR, "COORDINATOR");
        long staleAnswers = sent(c, 3, "STALE");
        flood(c, COORDINATOR, 10_000, 100, i -> new Message.Heartbeat(1, epoch - 10)); // a follower of an older term
        flood(c, 3, 10_000, 100, i -> new Message.Heartbeat(1, epoch)); // node 3 does not lead
        c.sim.runFor(1_000);
        long bound = 1_000 / (HEARTBEAT_MS / 2) + 2;
        assertTrue(sent(c, COORDINATOR, "COORDINATOR") - coordinatorAnswers <= bound, "seed " + seed + ": "
                + (sent(c, COORDINATOR, "COORDINATOR") - coordinatorAnswers) + " COORDINATOR answers to 10,000 heartbeats");
        assertTrue(sent(c, 3, "STALE") - staleAnswers <= bound, "seed " + seed);
        assertEquals(before, rounds(c), "seed " + seed + ": no round anywhere");
        assertTrue(c.agreed(), "seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void heartbeatsWithEverNewerEpochsForceFewElections(long seed) {
        SimCluster c = agreedCluster(seed);
        long epoch = c.status(COORDINATOR).epoch();
        long before = c.rounds(COORDINATOR);
        long runMs = 10_000;
        flood(c, COORDINATOR, (int) runMs, 1_000, i -> new Message.Heartbeat(1, epoch + 10L * (i + 1)));
        c.sim.runFor(runMs);
        long elections = c.rounds(COORDINATOR) - before;
        assertTrue(elections <= 25, "seed " + seed + ": " + elections + " elections in " + runMs + " ms");
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aFloodOfElectionsIsAnsweredAtABoundedRateAndStartsFewRounds(long seed) {
        SimCluster c = agreedCluster(seed);
        long epoch = c.status(COORDINATOR).epoch();
        Map<Integer, Long> before = rounds(c);
        long[] answers = new long[SIZE + 1];
        c.network.beforeSend((to, m) -> {
            if (m instanceof Message.Ok ok && to == 1) {
                answers[ok.from()]++;
            }
            return false;
        });
        flood(c, COORDINATOR, 10_000, 100, i -> new Message.Election(1, epoch));
        flood(c, 3, 10_000, 100, i -> new Message.Election(1, epoch));
        c.sim.runFor(1_000);
        for (int id : new int[] {3, COORDINATOR}) {
            assertTrue(answers[id] <= 1_000 / (HEARTBEAT_MS / 2) + 2, "seed " + seed + ": node " + id + " sent " + answers[id]
                    + " OKs to node 1 for 10,000 ELECTIONs");
        }
        assertEquals(before.get(COORDINATOR), c.rounds(COORDINATOR), "seed " + seed + ": node 5 leads the newest term");
        assertTrue(c.rounds(3) - before.get(3) <= 8, "seed " + seed + ": node 3 held " + (c.rounds(3) - before.get(3)));
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed);
        assertEquals(epoch, c.status(1).epoch(), "seed " + seed + ": the same term goes on");
    }

    /**
     * Every COORDINATOR (and the lock-state query that also announces a term) is lost for 10 s: the candidates hear OK
     * from node 5 but never its announcement, so every round ends without a coordinator. Without back-off each node
     * holds a round per failure timeout (40 in 10 s); with it, the rounds spread out, and once the network heals the
     * cluster agrees within a back-off.
     */
    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void anElectionStormBacksOffAndEndsWhenTheNetworkHeals(long seed) {
        SimCluster c = new SimCluster(seed, SIZE);
        c.sim.afterEachEvent(c::checkOneCoordinatorPerEpoch);
        SimNetwork.Rule lost = c.network.drop((to, m) -> m instanceof Message.Coordinator || m instanceof Message.LockStateQuery);
        long stormMs = 10_000;
        c.startAll();
        try (LogLines log = new LogLines()) {
            c.sim.runFor(stormMs / 2);
            Map<Integer, Long> half = rounds(c);
            c.sim.runFor(stormMs / 2);
            for (int id = 1; id < SIZE; id++) {
                long all = c.rounds(id);
                long late = all - half.get(id);
                assertTrue(all <= 20, "seed " + seed + ": node " + id + " held " + all + " rounds in " + stormMs + " ms");
                assertTrue(late <= half.get(id), "seed " + seed + ": node " + id + " held " + late + " rounds late, "
                        + half.get(id) + " early");
                assertTrue(log.of(id) <= 40 * all + 100, "seed " + seed + ": node " + id + " logged " + log.of(id));
            }
        }
        c.network.remove(lost);
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed + ": the storm ends once COORDINATOR gets through");
    }

    // ---- helpers ----

    /** A cluster that agreed, and then had a second to settle (start-up messages in flight, rounds deferred). */
    private static SimCluster agreedCluster(long seed) {
        SimCluster c = new SimCluster(seed, SIZE);
        c.sim.afterEachEvent(c::checkOneCoordinatorPerEpoch);
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed + ": no agreement");
        c.sim.runFor(1_000);
        return c;
    }

    /** Hands node {@code to} {@code count} messages, one every {@code everyMicros} from now, the i-th built by {@code m}. */
    private static void flood(SimCluster c, int to, int count, long everyMicros, IntFunction<Message> m) {
        for (int i = 0; i < count; i++) {
            Message message = m.apply(i);
            c.sim.at(i * everyMicros, () -> c.inject(to, message));
        }
    }

    private static Map<Integer, Long> rounds(SimCluster c) {
        Map<Integer, Long> rounds = new HashMap<>();
        c.upIds().forEach(id -> rounds.put(id, c.rounds(id)));
        return rounds;
    }

    private static Map<Integer, Long> stored(SimCluster c) {
        Map<Integer, Long> stored = new HashMap<>();
        c.upIds().forEach(id -> stored.put(id, c.epochStore(id).load()));
        return stored;
    }

    private static long sent(SimCluster c, int node, String type) {
        return c.status(node).counters().getOrDefault("sent." + type, 0L);
    }

    /** Borrows and returns a book through {@code node}, one operation after another, for {@code millis}; counts successes. */
    private static int operationsFor(SimCluster c, int node, long millis, String tag) {
        long end = c.sim.nowMillis() + millis;
        int ok = 0;
        for (int i = 0; c.sim.nowMillis() < end; i++) {
            CompletableFuture<Outcome> f = c.submit(node, new Command(tag + "-" + i, i % 2 == 0 ? Op.BORROW : Op.RETURN, 1, "u"));
            if (!c.sim.runUntil(f::isDone, Math.max(1, end - c.sim.nowMillis()))) {
                break;
            }
            if (!f.isCompletedExceptionally()) {
                ok++;
            }
        }
        c.sim.runUntil(end);
        return ok;
    }
}
