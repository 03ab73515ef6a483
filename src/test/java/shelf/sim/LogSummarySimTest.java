package shelf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import shelf.library.Command;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.protocol.LogLimiter;

/**
 * Logs a person can read (issue 15, item 8), on the deterministic simulation: the death of the coordinator is one
 * "suspect coordinator dead" line at the nodes that notice it, each election ends with a one-line summary (why it
 * began, rounds and messages, winner, epoch, duration), and the dead node then costs its peers a summary every 30 s,
 * not lines every second.
 */
class LogSummarySimTest {
    private static final int SIZE = 5;
    private static final int COORDINATOR = 5;

    @ParameterizedTest(name = "seed {0}")
    @Seeds(3)
    void aThousandLockCyclesInTenSecondsAreAFewLinesNotThousands(long seed) {
        SimCluster c = agreedCluster(seed);
        try (LogLines log = new LogLines()) {
            for (int i = 0; i < 1_000; i++) {
                Op op = i % 2 == 0 ? Op.BORROW : Op.RETURN;
                CompletableFuture<Outcome> done = c.submit(1, new Command(UUID.randomUUID().toString(), op, 3, "alice"));
                assertTrue(c.sim.runUntil(done::isDone, 5_000), "seed " + seed + ": operation " + i);
                assertTrue(done.join().ok(), "seed " + seed + ": operation " + i + ": " + done.join());
            }
            // Each cycle is six lock events (asked, queued, granted twice over, released twice over): 6,000 lines before.
            assertTrue(log.containing("lock granted").size() <= 2 * 10 * (1 + c.sim.nowMillis() / 10_000),
                    "seed " + seed + ": " + log.containing("lock granted").size() + " grant lines in " + c.sim.nowMillis()
                            + " ms");
            assertTrue(log.total() <= 200, "seed " + seed + ": " + log.total() + " lines for 1,000 operations");
            c.sim.runFor(LogLimiter.BUSY_WINDOW_MS); // the next operation, at a human pace, says how many were left out
            CompletableFuture<Outcome> next = c.submit(1, new Command(UUID.randomUUID().toString(), Op.BORROW, 4, "alice"));
            assertTrue(c.sim.runUntil(next::isDone, 5_000), "seed " + seed);
            assertTrue(log.containing("lock granted to node 1").stream()
                            .anyMatch(l -> l.matches(".*\\(suppressed \\d+ similar\\)")),
                    "seed " + seed + ": the grants left out are counted: " + log.containing("lock granted to node 1"));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aCoordinatorCrashIsASuspicionAnElectionSummaryAndThenQuiet(long seed) {
        SimCluster c = agreedCluster(seed);
        try (LogLines log = new LogLines()) {
            c.crash(COORDINATOR);
            assertTrue(c.sim.runUntil(c::agreed, 5_000), "seed " + seed + ": no agreement after the crash");
            long epoch = c.status(4).epoch();

            List<String> suspicions = log.containing("suspect coordinator 5 dead");
            assertTrue(!suspicions.isEmpty(), "seed " + seed + ": someone suspects node 5");
            for (int id = 1; id < SIZE; id++) {
                assertTrue(log.containing("node " + id + ": suspect coordinator").size() <= 1,
                        "seed " + seed + ": one suspicion per node: " + suspicions);
            }
            List<String> won = log.containing("node 4: election over: node 4 won epoch " + epoch + " in ");
            assertEquals(1, won.size(), "seed " + seed + ": " + log.containing("election over"));
            assertTrue(won.get(0).matches(".* ms \\(begun because: .+; \\d+ rounds?, \\d+ ELECTION sent, \\d+ OK received, "
                    + "COORDINATOR sent to 4 peers\\)"), won.get(0));
            long others = log.containing("election over: node 4 won epoch " + epoch).size() - 1;
            assertEquals(suspicions.size() - (suspicions.stream().anyMatch(l -> l.startsWith("node 4:")) ? 1 : 0), others,
                    "seed " + seed + ": each node that began an election sums it up: " + log.containing("election over"));

            c.sim.runFor(5_000); // the election's aftermath: the lock server's recovery, the first failed deliveries
            long before = log.total();
            c.sim.runFor(60_000);
            // The new coordinator still re-announces itself to node 5 every failure timeout: two summaries a minute.
            assertEquals(List.of("node 4: node 5 still unreachable"), log.containing(" ").subList((int) before,
                    (int) log.total()).stream().map(l -> l.replaceAll(" \\(.*", "")).distinct().toList(),
                    "seed " + seed);
            assertTrue(log.total() - before <= 2, "seed " + seed + ": a minute with node 5 dead logged "
                    + (log.total() - before) + " lines");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(3)
    void aFollowerThatChangesCoordinatorSaysFromWhichToWhich(long seed) {
        SimCluster c = agreedCluster(seed);
        c.crash(COORDINATOR);
        assertTrue(c.sim.runUntil(c::agreed, 5_000), "seed " + seed + ": no agreement after the crash");
        try (LogLines log = new LogLines()) {
            c.start(COORDINATOR); // by the Bully rule it takes over again: node 1 follows it instead of node 4
            assertTrue(c.sim.runUntil(() -> c.agreed() && c.status(1).coordinator() == COORDINATOR, 5_000),
                    "seed " + seed + ": node 5 did not take over");
            List<String> roles = log.containing("node 1: role ");
            String change = "node 1: role FOLLOWER of node 4 -> FOLLOWER of node 5 in epoch ";
            assertTrue(roles.stream().anyMatch(l -> l.startsWith(change)), "seed " + seed + ": " + roles);
        }
    }

    /** Five nodes that agree on node 5, a second after. */
    private static SimCluster agreedCluster(long seed) {
        SimCluster c = new SimCluster(seed, SIZE);
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, 3_000), "seed " + seed + ": no agreement");
        c.sim.runFor(1_000);
        return c;
    }
}
