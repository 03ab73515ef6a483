package shelf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import shelf.api.Faults;
import shelf.library.Command;
import shelf.library.Op;
import shelf.library.Outcome;

/**
 * The operator's faults ({@code admin partition | drop | delay | heal}) as the protocol meets them: set in each node's
 * transport ({@code FaultyTransport}) over a reliable simulated network, they must act as the real faults they stand for.
 */
class FaultsSimTest {
    private static final long AGREEMENT_MS = 3_000;
    private static final long SLOW_AGREEMENT_MS = 5_000;
    private static final long LOSSY_AGREEMENT_MS = 15_000;
    private static final long OPERATION_MS = 10_000;

    private static SimCluster agreed(long seed) {
        SimCluster c = new SimCluster(seed, 5);
        c.sim.afterEachEvent(c::checkOneCoordinatorPerEpoch);
        c.startAll();
        awaitAgreement(c, AGREEMENT_MS);
        return c;
    }

    private static void awaitAgreement(SimCluster c, long maxMillis) {
        assertTrue(c.sim.runUntil(c::agreed, maxMillis), () -> "seed " + c.sim.seed() + ": no agreement within " + maxMillis
                + " ms; views " + c.upIds().stream().map(id -> id + "->" + c.status(id).coordinator() + "@"
                + c.status(id).epoch()).toList());
    }

    private static Outcome done(SimCluster c, CompletableFuture<Outcome> f) {
        assertTrue(c.sim.runUntil(f::isDone, OPERATION_MS), "seed " + c.sim.seed() + ": operation did not complete");
        return f.join();
    }

    /** Submits {@code command} at {@code node} up to {@code attempts} times, again while the node answers unavailable. */
    private static Outcome doneAskingAgain(SimCluster c, int node, Command command, int attempts) {
        for (int attempt = 1; ; attempt++) {
            try {
                return done(c, c.submit(node, command));
            } catch (java.util.concurrent.CompletionException e) {
                if (!(e.getCause() instanceof shelf.api.UnavailableException) || attempt == attempts) {
                    throw e;
                }
            }
        }
    }

    /**
     * {@code admin partition 1,2,3/4,5}: the majority side loses its coordinator (node 5) and elects node 3 in a newer
     * term, whose lock serves a write there; {@code admin heal} reunites the cluster under node 5, one coordinator.
     */
    @ParameterizedTest(name = "seed {0}")
    @Seeds(10)
    void aPartitionedMajorityElectsItsOwnCoordinatorAndHealReunitesThemUnderOne(long seed) {
        SimCluster c = agreed(seed);
        long before = c.status(5).epoch();

        c.partition(Set.of(1, 2, 3), Set.of(4, 5));

        assertTrue(c.sim.runUntil(() -> Set.of(1, 2, 3).stream().allMatch(id -> c.status(id).coordinator() == 3
                && c.status(id).epoch() == c.status(3).epoch()), SLOW_AGREEMENT_MS), "seed " + seed + ": the majority elects 3");
        assertTrue(c.status(3).epoch() > before, "a newer term");
        assertEquals(5, c.status(4).coordinator(), "the other side keeps its own");
        assertTrue(c.sim.runUntil(() -> c.status(3).peersAlive().equals(java.util.List.of(1, 2)), SLOW_AGREEMENT_MS),
                "node 3 sees only its side: " + c.status(3).peersAlive());
        assertTrue(done(c, c.submit(1, new Command("req-1", Op.BORROW, 1, "alice"))).ok(), "the majority side writes");

        c.healFaults();

        awaitAgreement(c, SLOW_AGREEMENT_MS);
        assertEquals(5, c.status(1).coordinator(), "seed " + seed);
    }

    /**
     * Faults set on node 5 alone block it both ways: it sends nothing to the others and hears nothing from them, so they
     * elect node 4 although their own transports are healthy; healing node 5 alone brings it back.
     */
    @ParameterizedTest(name = "seed {0}")
    @Seeds(10)
    void aNodesOwnBlockWorksBothWays(long seed) {
        SimCluster c = agreed(seed);

        c.setFaults(5, Faults.NONE.withBlocked(Set.of(1, 2, 3, 4)));

        assertTrue(c.sim.runUntil(() -> Set.of(1, 2, 3, 4).stream().allMatch(id -> c.status(id).coordinator() == 4),
                SLOW_AGREEMENT_MS), "seed " + seed + ": the others replace node 5");
        assertTrue(c.sim.runUntil(() -> c.status(5).peersAlive().isEmpty(), SLOW_AGREEMENT_MS),
                "node 5 hears nobody: " + c.status(5).peersAlive());

        c.setFaults(5, Faults.NONE);

        awaitAgreement(c, SLOW_AGREEMENT_MS);
        assertEquals(5, c.status(1).coordinator());
    }

    /** Lossy and slow links everywhere ({@code admin drop 20}, {@code admin delay 30}): the cluster agrees, writes, heals. */
    @ParameterizedTest(name = "seed {0}")
    @Seeds(10)
    void underDropsAndDelaysOnEveryNodeTheClusterStillAgreesAndWrites(long seed) {
        SimCluster c = agreed(seed);
        for (int id = 1; id <= 5; id++) {
            c.setFaults(id, new Faults(Set.of(), 20, 30));
        }
        c.crash(5); // an election must run through the lossy, slow links
        awaitAgreement(c, LOSSY_AGREEMENT_MS);
        assertEquals(4, c.status(1).coordinator());
        // A request may run out of its time while grants are lost (2 % of seeds lose three in a row): the client sends
        // the same command again (RmiClient to the next node), and the library applies it once.
        assertTrue(doneAskingAgain(c, 2, new Command("req-1", Op.BORROW, 2, "bob"), 3).ok(), "seed " + seed);

        c.healFaults();
        c.start(5);
        awaitAgreement(c, SLOW_AGREEMENT_MS);
    }

    /**
     * Node 1 alone blocks node 5 (its peers do not): node 1 never hears node 5 again, not even the re-announcements a
     * coordinator sends a silent follower, as across a real cut link, and the rest of the cluster keeps node 5.
     */
    @ParameterizedTest(name = "seed {0}")
    @Seeds(10)
    void aBlockedPeersMessagesNeverReachTheNode(long seed) {
        SimCluster c = agreed(seed);
        c.setFaults(1, Faults.NONE.withBlocked(Set.of(5)));
        c.sim.runFor(2 * c.config.timings().failureTimeoutMs()); // what node 1 heard from 5 before has aged out
        boolean[] heard = new boolean[1];
        c.sim.afterEachEvent(() -> {
            c.checkOneCoordinatorPerEpoch();
            heard[0] |= c.status(1).peersAlive().contains(5);
        });

        c.sim.runFor(5_000);

        assertTrue(!heard[0], "seed " + seed + ": node 1 heard node 5 through its block");
        assertEquals(5, c.status(2).coordinator(), "the others keep node 5");
        c.setFaults(1, Faults.NONE);
        awaitAgreement(c, SLOW_AGREEMENT_MS);
    }
}
