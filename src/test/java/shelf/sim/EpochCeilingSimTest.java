package shelf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import shelf.election.Epochs;
import shelf.protocol.Message;

/**
 * Epochs outside {@code 0..CEILING} are refused wherever they come from, so epoch arithmetic never overflows and nothing
 * absurd is persisted; any epoch below the ceiling is still taken, however far ahead of the node.
 */
class EpochCeilingSimTest {
    private static final long AGREEMENT_MS = 3_000;
    private static final int SIZE = 5;

    static Stream<Arguments> absurdEpochs() {
        return Stream.of("COORDINATOR", "ELECTION", "OK", "STALE", "HEARTBEAT").flatMap(type ->
                Stream.of(Long.MAX_VALUE, Epochs.CEILING + 1, -1L).flatMap(epoch ->
                        Seeds.Provider.range(2).mapToObj(seed -> Arguments.of(type, epoch, seed))));
    }

    static Message forge(String type, int from, long epoch) {
        return switch (type) {
            case "COORDINATOR" -> new Message.Coordinator(from, epoch);
            case "ELECTION" -> new Message.Election(from, epoch);
            case "OK" -> new Message.Ok(from, epoch);
            case "STALE" -> new Message.Stale(from, epoch, from);
            case "HEARTBEAT" -> new Message.Heartbeat(from, epoch);
            default -> throw new IllegalArgumentException(type);
        };
    }

    @ParameterizedTest(name = "{0} with epoch {1}, seed {2}")
    @MethodSource("absurdEpochs")
    void anAbsurdEpochIsRefusedNothingIsPersistedAndNoElectionFollows(String type, long absurd, long seed) {
        SimCluster c = agreedCluster(seed);
        long epoch = c.status(SIZE).epoch();
        Map<Integer, Long> stored = new HashMap<>();
        Map<Integer, Long> rounds = new HashMap<>();
        for (int id = 1; id <= SIZE; id++) {
            stored.put(id, c.epochStore(id).load());
            rounds.put(id, c.rounds(id));
        }
        for (int to = 1; to <= SIZE; to++) {
            for (int from = 1; from <= SIZE; from++) {
                if (from != to) {
                    c.inject(to, forge(type, from, absurd));
                }
            }
        }
        c.sim.runFor(2_000);
        for (int id = 1; id <= SIZE; id++) {
            assertEquals(stored.get(id), c.epochStore(id).load(), "seed " + seed + ": node " + id + " persisted nothing new");
            assertEquals(rounds.get(id), c.rounds(id), "seed " + seed + ": node " + id + " held no election");
            assertEquals(SIZE - 1L, c.status(id).counters().get("rejected.epoch-out-of-range"), "node " + id);
        }
        assertTrue(c.agreed(), "seed " + seed);
        assertEquals(epoch, c.status(1).epoch(), "seed " + seed + ": the same term goes on");
    }

    static Stream<Arguments> farAheadEpochs() {
        return Stream.of(1_000_000_000_000L, Epochs.CEILING - 1_000_000).flatMap(epoch ->
                Seeds.Provider.range(3).mapToObj(seed -> Arguments.of(epoch, seed)));
    }

    @ParameterizedTest(name = "epoch {0}, seed {1}")
    @MethodSource("farAheadEpochs")
    void aNodeRestartedFarBehindTheClusterStillTakesItsEpoch(long farAhead, long seed) {
        SimCluster c = agreedCluster(seed);
        c.crash(1);
        // While node 1 is down, the cluster moves far on: node 5 restarts with an epoch file far ahead.
        c.crash(SIZE);
        awaitAgreement(c);
        c.epochStore(SIZE).save(farAhead);
        c.start(SIZE);
        awaitAgreement(c);
        assertTrue(c.status(2).epoch() > farAhead, "seed " + seed + ": the followers took node 5's new epoch");
        c.start(1);
        awaitAgreement(c);
        long epoch = c.status(SIZE).epoch();
        assertEquals(SIZE, c.status(1).coordinator(), "seed " + seed);
        assertEquals(epoch, c.status(1).epoch(), "seed " + seed + ": the restarted node follows the newer epoch");
        assertEquals(epoch, c.epochStore(1).load(), "seed " + seed + ": and persisted it");
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(10)
    void anAbsurdEpochFileIsIgnoredWithOneLineAndTheClusterMovesAboveEveryEpochItHad(long seed) {
        SimCluster c = agreedCluster(seed);
        c.crash(SIZE); // two more terms: node 4's, then node 5's again
        awaitAgreement(c);
        c.start(SIZE);
        awaitAgreement(c);
        long before = c.status(SIZE).epoch();
        for (int id = 1; id <= SIZE; id++) {
            c.crash(id);
        }
        c.epochStore(SIZE).save(Long.MAX_VALUE); // the highest node, which leads
        c.epochStore(3).save(-42);
        try (LogLines log = new LogLines()) {
            c.startAll();
            awaitAgreement(c);
            assertEquals(2, log.containing("ignoring the stored epoch").size(), "seed " + seed + ": one line per bad file");
            assertEquals(1, log.containing("node 5: ignoring the stored epoch 9223372036854775807").size());
        }
        long after = c.status(SIZE).epoch();
        assertTrue(after > before, "seed " + seed + ": the new term " + after + " is above the old " + before);
        for (int id = 1; id <= SIZE; id++) {
            long stored = c.epochStore(id).load();
            assertTrue(stored >= 0 && stored <= after, "seed " + seed + ": node " + id + " stores " + stored);
        }
        assertEquals(after, c.epochStore(SIZE).load(), "seed " + seed + ": the leader's file holds its sane epoch");
    }

    /**
     * The limit the ceiling leaves: a peer that sends an epoch just below it (sane, so taken) leaves no epoch to claim
     * above it. Nothing overflows and nothing above the ceiling is claimed or stored; the cluster has no coordinator, but
     * its rounds back off instead of storming (an operator must reset the epoch files).
     */
    @ParameterizedTest(name = "seed {0}")
    @Seeds(3)
    void anEpochAtTheCeilingLeavesNoEpochToClaimButNothingOverflowsAndRoundsBackOff(long seed) {
        SimCluster c = agreedCluster(seed);
        long runMs = 30_000;
        try (LogLines log = new LogLines()) {
            for (int to = 1; to < SIZE; to++) {
                c.inject(to, new Message.Coordinator(SIZE, Epochs.CEILING - 2));
            }
            c.sim.runFor(runMs);
            for (int id = 1; id <= SIZE; id++) {
                long epoch = c.status(id).epoch();
                long stored = c.epochStore(id).load();
                assertTrue(Epochs.isSane(epoch) && Epochs.isSane(stored), "node " + id + ": " + epoch + ", stored " + stored);
                // Rounds come at most every half back-off cap (500 ms here) once backed off: 60 in 30 s.
                assertTrue(c.rounds(id) <= runMs / 500 + 10, "seed " + seed + ": node " + id + " held " + c.rounds(id)
                        + " rounds in " + runMs + " ms");
            }
            assertTrue(log.total() <= 4_000, "seed " + seed + ": " + log.total() + " log lines in " + runMs + " ms");
            List<String> exhausted = log.containing("cannot lead");
            assertTrue(!exhausted.isEmpty() && exhausted.size() <= 5 * runMs / 1_000, exhausted.size() + " lines");
        }
    }

    private static SimCluster agreedCluster(long seed) {
        SimCluster c = new SimCluster(seed, SIZE);
        c.sim.afterEachEvent(c::checkOneCoordinatorPerEpoch);
        c.startAll();
        awaitAgreement(c);
        return c;
    }

    private static void awaitAgreement(SimCluster c) {
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), () -> "seed " + c.sim.seed() + ": no agreement; views "
                + c.upIds().stream().map(id -> id + "->" + c.status(id).coordinator() + "@" + c.status(id).epoch()).toList());
    }
}
