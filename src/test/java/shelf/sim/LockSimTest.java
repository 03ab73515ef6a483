package shelf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiPredicate;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import shelf.api.UnavailableException;
import shelf.check.InvariantChecker;
import shelf.config.Timings;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.library.SampleCatalog;
import shelf.protocol.Message;

/** The centralized lock under virtual time: FIFO grants, leases, fencing, failover, loss. */
class LockSimTest {
    /** Virtual time allowed for an agreement on a reliable network. */
    private static final long AGREEMENT_MS = 3_000;
    /** Virtual time allowed for one client operation to complete, or fail. */
    private static final long OPERATION_MS = 10_000;
    /** Chaos runs: this many steps of chaos, each followed by a few client operations and a random pause. */
    private static final int CHAOS_STEPS = 40;
    private static final int OPS_PER_STEP = 3;
    private static final int STEP_MIN_MS = 20;
    private static final int STEP_JITTER_MS = 200;
    /** Chaos runs: after the chaos, time for every operation to finish, then for the cluster to agree again. */
    private static final long SETTLE_MS = 20_000;
    private static final long HEAL_MS = 10_000;
    /** Chaos runs: each step draws one of this many actions; 7 of them act (see {@link #chaos}), the rest do nothing. */
    private static final int CHAOS_CHOICES = 12;

    private int requests;

    private SimCluster agreedCluster(long seed, int size) {
        SimCluster c = new SimCluster(seed, size);
        c.sim.afterEachEvent(c::checkOneCoordinatorPerEpoch);
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed + ": no agreement");
        return c;
    }

    private Command command(Op op, int book, String user) {
        return new Command("req-" + (++requests), op, book, user);
    }

    private static Outcome done(SimCluster c, CompletableFuture<Outcome> f) {
        assertTrue(c.sim.runUntil(f::isDone, OPERATION_MS), "seed " + c.sim.seed() + ": operation did not complete");
        return f.join();
    }

    private static List<String> violations(SimCluster c, List<String> acked) {
        return InvariantChecker.check(c.store.history(), acked, SampleCatalog.books(SimStore.BOOKS),
                Map.of("store", c.store.state().books()));
    }

    @Test
    void everyNodesWritesGoThroughTheCoordinatorsLockItsOwnToo() {
        SimCluster c = agreedCluster(1, 5);
        for (int node = 1; node <= 5; node++) {
            assertTrue(done(c, c.submit(node, command(Op.BORROW, node, "u" + node))).ok());
        }
        assertEquals(5, c.status(5).lock().grants());
        List<HistoryRecord> history = c.store.history();
        assertEquals(List.of(1, 2, 3, 4, 5), history.stream().map(HistoryRecord::node).toList());
        assertTrue(IntStream.range(1, 5).allMatch(i ->
                history.get(i - 1).token().isBelow(history.get(i).token())), "one grant, one token each");
    }

    @Test
    void grantsAreFirstInFirstOut() {
        SimCluster c = agreedCluster(2, 5);
        c.writeDelay(5_000);
        List<CompletableFuture<Outcome>> all = new ArrayList<>();
        for (int node : new int[] {3, 1, 4, 2}) {
            all.add(c.submit(node, command(Op.BORROW, 1, "u" + node)));
            c.sim.runFor(1);
        }
        all.forEach(f -> done(c, f));
        assertEquals(List.of(3), c.store.history().stream().map(HistoryRecord::node).toList(), "the first asker got the book");
        assertEquals(List.of(true, false, false, false), all.stream().map(f -> f.join().ok()).toList());
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(20)
    void contendingBorrowsOfOneBookLetExactlyOneWin(long seed) {
        SimCluster c = agreedCluster(seed, 5);
        List<CompletableFuture<Outcome>> all = new ArrayList<>();
        for (int client = 0; client < 10; client++) {
            all.add(c.submit(1 + client % 5, command(Op.BORROW, 2, "user" + client)));
        }
        all.forEach(f -> done(c, f));
        assertEquals(1, all.stream().filter(f -> f.join().ok()).count(), "seed " + seed);
    }

    @Test
    void aCrashedHoldersLeaseIsRevokedAndTheNextWaiterGranted() {
        SimCluster c = agreedCluster(3, 5);
        c.writeDelay(50_000);
        CompletableFuture<Outcome> first = c.submit(2, command(Op.BORROW, 1, "alice"));
        c.sim.runUntil(() -> c.status(2).heldToken() != null, 1_000);
        c.crash(2);
        CompletableFuture<Outcome> second = c.submit(3, command(Op.BORROW, 2, "bob"));
        assertTrue(done(c, second).ok());
        assertFalse(first.isDone(), "the crashed node never answered");
        assertEquals(1, c.status(5).lock().revocations());
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(10)
    void aPausedHolderIsFencedOffWhenItResumesAndAcknowledgesNothing(long seed) {
        SimCluster c = agreedCluster(seed, 5);
        c.writeDelay(20_000);
        CompletableFuture<Outcome> stale = c.submit(2, command(Op.BORROW, 1, "alice"));
        c.sim.runUntil(() -> c.status(2).heldToken() != null, 1_000);
        c.pause(2);
        c.sim.runFor(c.config.timings().leaseMs() * 2);
        CompletableFuture<Outcome> fresh = c.submit(3, command(Op.BORROW, 1, "bob"));
        assertTrue(done(c, fresh).ok(), "seed " + seed + ": the next holder borrowed after the lease lapsed");
        c.resume(2);
        c.sim.runUntil(stale::isDone, 5_000);
        assertTrue(stale.isCompletedExceptionally(), "seed " + seed + ": the resumed holder's write is not acknowledged");
        assertTrue(c.store.fencedWrites() >= 1 || c.store.history().size() == 1, "seed " + seed);
        assertEquals(List.of("bob"), c.store.history().stream().map(HistoryRecord::user).toList(), "seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(20)
    void aCoordinatorCrashWithTheLockHeldAndRequestsQueuedCompletesEachOperationOnceOrFails(long seed) {
        SimCluster c = agreedCluster(seed, 5);
        c.writeDelay(30_000);
        List<String> acked = new ArrayList<>();
        List<CompletableFuture<Outcome>> all = new ArrayList<>();
        List<Command> commands = new ArrayList<>();
        for (int node = 1; node <= 4; node++) {
            Command cmd = command(Op.BORROW, node, "u" + node);
            commands.add(cmd);
            all.add(c.submit(node, cmd));
        }
        c.sim.runUntil(() -> c.status(5).lock().holder() > 0 && !c.status(5).lock().queue().isEmpty(), 1_000);
        c.crash(5);
        for (int i = 0; i < all.size(); i++) {
            Outcome o = null;
            c.sim.runUntil(all.get(i)::isDone, OPERATION_MS);
            if (!all.get(i).isCompletedExceptionally()) {
                o = all.get(i).join();
            }
            if (o != null && o.ok()) {
                acked.add(commands.get(i).requestId());
            }
        }
        assertEquals(4, acked.size(), "seed " + seed + ": the new coordinator recovered the table and served the queue");
        assertEquals(List.of(), violations(c, acked), "seed " + seed);
        assertTrue(c.store.history().stream().map(HistoryRecord::token).anyMatch(t -> t.epoch() > 20));
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void theLockPassesOnOnceABatchIsAppendedAndItsClientsHearOnlyOnceItIsDurable(long seed) {
        SimCluster c = agreedCluster(seed, 5);
        c.syncDelay(50_000);
        CompletableFuture<Outcome> first = c.submit(2, command(Op.BORROW, 1, "alice"));
        CompletableFuture<Outcome> second = c.submit(3, command(Op.BORROW, 2, "bob"));
        assertTrue(c.sim.runUntil(() -> c.store.history().size() == 2, 1_000), "seed " + seed + ": both appended");
        assertFalse(first.isDone() || second.isDone(),
                "seed " + seed + ": the second holder appended while the first batch's fsync ran; nobody answered yet");
        assertTrue(done(c, first).ok() && done(c, second).ok(), "seed " + seed);
        assertEquals(2, c.status(5).lock().grants(), "seed " + seed);
    }

    @Test
    void aHolderThatCrashesBeforeItsFsyncReturnsAnswersNobodyAndARetryElsewhereGetsTheFirstOutcome() {
        SimCluster c = agreedCluster(4, 5);
        c.syncDelay(50_000);
        Command borrow = command(Op.BORROW, 1, "alice");
        CompletableFuture<Outcome> first = c.submit(2, borrow);
        assertTrue(c.sim.runUntil(() -> c.store.history().size() == 1, 1_000), "appended");
        c.crash(2);
        Outcome retried = done(c, c.submit(3, borrow));
        assertTrue(retried.ok(), retried.message());
        assertFalse(first.isDone(), "the crashed node never answered");
        assertEquals(1, c.store.history().size(), "the retry did not apply again");
        assertEquals(List.of(), violations(c, List.of(borrow.requestId())));
    }

    @Test
    void aFailedFsyncAnswersUnavailableWithARetryHintAndTheLockMovesOn() {
        SimCluster c = agreedCluster(5, 5);
        c.failSyncs("history.log: fsync failed: Input/output error");
        Command borrow = command(Op.BORROW, 1, "alice");
        CompletableFuture<Outcome> failed = c.submit(2, borrow);
        assertTrue(c.sim.runUntil(failed::isDone, 1_000));
        Throwable why = assertThrows(CompletionException.class, failed::join).getCause();
        assertTrue(why instanceof UnavailableException && why.getMessage().contains("could not make it durable")
                && why.getMessage().contains("retry it with the same request id"), why.toString());
        c.failSyncs(null);
        assertTrue(done(c, c.submit(3, command(Op.BORROW, 2, "bob"))).ok(), "the lock went on to the next holder");
        assertTrue(done(c, c.submit(2, borrow)).ok(), "the retry gets the first outcome");
        assertEquals(List.of("alice", "bob"), c.store.history().stream().map(HistoryRecord::user).toList());
    }

    @Test
    void aHolderThatWritesLongerThanItsLeaseKeepsItByHeartbeatsTheCoordinatorToo() {
        for (int node : new int[] {2, 5}) {
            SimCluster c = agreedCluster(8, 5);
            c.writeDelay(c.config.timings().leaseMs() * 3 * Simulation.MICROS_PER_MILLI);
            assertTrue(done(c, c.submit(node, command(Op.BORROW, 1, "alice"))).ok(), "node " + node);
            assertEquals(0, c.status(5).lock().revocations(), "node " + node + "'s lease was renewed while it wrote");
            assertEquals(0, c.store.fencedWrites());
        }
    }

    @Test
    void aLostLockStateReportIsAskedForAgainRatherThanAwaitedForTheWholeFailureTimeout() {
        SimCluster c = new SimCluster(9, 4, "failure.timeout.ms=60000", "lease.ms=60000");
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS));
        SimNetwork.Rule dropFirstReport = c.network.drop((to, m) -> m instanceof Message.LockStateReport).times(1);
        c.crash(4);
        c.startElection(3);
        assertTrue(c.sim.runUntil(c::agreed, 2_000), "recovered within a few heartbeats, not the 60 s failure timeout");
        assertTrue(dropFirstReport.matched() >= 1, "the test dropped no report");
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aLostLockRequestIsSentAgainAfterTheResendInterval(long seed) {
        assertFirstLockRequestLostThenGranted(seed, false, timings -> 2 * timings.failureTimeoutMs());
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aLockRequestReportedUndeliverableIsSentAgainAtTheNextTick(long seed) {
        assertFirstLockRequestLostThenGranted(seed, true, timings -> 0L); // the next tick, not the resend interval
    }

    /**
     * Node 1's first lock request is lost (silently, or reported undeliverable after the RPC timeout); its
     * write must still be granted, no sooner than {@code earliest} and within two heartbeats after it (or
     * after the RPC timeout, for a reported loss).
     */
    private void assertFirstLockRequestLostThenGranted(long seed, boolean reported, ToLongFunction<Timings> earliest) {
        SimCluster c = agreedCluster(seed, 3);
        BiPredicate<Integer, Message> fromNode1 = (to, m) -> m instanceof Message.LockRequest r && r.from() == 1;
        SimNetwork.Rule first = (reported ? c.network.fail(fromNode1) : c.network.drop(fromNode1)).times(1);
        long asked = c.sim.nowMillis();
        Outcome o = done(c, c.submit(1, command(Op.BORROW, 1, "alice")));
        long took = c.sim.nowMillis() - asked;
        assertTrue(o.ok(), o.message());
        assertTrue(first.matched() >= 2, "seed " + seed + ": the request was sent once only");
        Timings timings = c.config.timings();
        long from = Math.max(earliest.applyAsLong(timings), reported ? timings.rpcTimeoutMs() : 0);
        assertTrue(took >= from && took <= from + 2 * timings.heartbeatIntervalMs(),
                "seed " + seed + ": granted after " + took + " ms, expected " + from + " ms and at most two heartbeats more");
    }

    @Test
    void aRetriedRequestIsAppliedOnce() {
        SimCluster c = agreedCluster(4, 3);
        Command borrow = command(Op.BORROW, 3, "alice");
        assertTrue(done(c, c.submit(1, borrow)).ok());
        Outcome again = done(c, c.submit(2, borrow));
        assertTrue(again.ok());
        assertEquals(1, c.store.history().size());
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(20)
    void lossAndDuplicationDoNotBreakTheMutex(long seed) {
        SimCluster c = agreedCluster(seed, 5);
        c.network.dropRate(0.1);
        c.network.duplicateRate(0.1);
        List<String> acked = runRandomClients(c, 60, 3_000);
        assertEquals(List.of(), violations(c, acked), "seed " + seed);
        assertTrue(acked.size() > 5, "seed " + seed + ": progress despite loss: " + acked.size());
    }

    @Test
    void fiftyNodesShareTheLock() {
        SimCluster c = agreedCluster(5, 50);
        List<String> acked = runRandomClients(c, 200, 5_000);
        assertEquals(List.of(), violations(c, acked));
        assertTrue(acked.size() > 20, "acknowledged " + acked.size());
    }

    @Test
    void aStaleReleaseAndAnUnwantedGrantAreHarmless() {
        SimCluster c = agreedCluster(6, 3);
        long epoch = c.status(3).epoch();
        c.inject(1, new Message.LockRelease(1, epoch, new FencingToken(1, 99)));
        c.inject(2, new Message.LockGrant(3, epoch, 12345, new FencingToken(epoch, 77), 500, 2_000));
        c.inject(3, new Message.LockRequest(9, epoch, 1));
        c.sim.runFor(100);
        assertTrue(done(c, c.submit(1, command(Op.BORROW, 1, "alice"))).ok(), "the lock still works");
        assertEquals(1, c.status(3).counters().get("rejected.unknown-sender"));
    }

    /**
     * Random clients: each op goes to a random up node; returns the request ids acknowledged ok.
     * Ops that fail (unavailable) are fine; what was acknowledged must be in the history exactly once.
     */
    List<String> runRandomClients(SimCluster c, int ops, long maxMillis) {
        List<String> acked = new ArrayList<>();
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (int i = 0; i < ops; i++) {
            List<Integer> up = c.upIds();
            if (up.isEmpty()) {
                c.sim.runFor(50);
                continue;
            }
            int node = up.get(c.sim.random().nextInt(up.size()));
            Op op = Op.values()[c.sim.random().nextInt(3)];
            String user = "u" + c.sim.random().nextInt(4);
            Command cmd = command(op, 1 + c.sim.random().nextInt(SimStore.BOOKS), user);
            futures.add(c.submit(node, cmd).whenComplete((o, e) -> {
                if (o != null && o.ok()) {
                    acked.add(cmd.requestId());
                } else if (e != null && !(e instanceof UnavailableException)) {
                    throw new AssertionError("unexpected failure", e);
                }
            }));
            c.sim.runFor(c.sim.random().nextInt(20));
        }
        c.sim.runUntil(() -> futures.stream().allMatch(CompletableFuture::isDone), maxMillis);
        return acked;
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(value = 150, countProperty = "sim.seeds")
    void invariantsHoldUnderRandomCrashesPausesAndPartitions(long seed) {
        SimCluster c = new SimCluster(seed, 5);
        c.startAll();
        c.network.dropRate(0.02);
        c.network.duplicateRate(0.02);
        List<String> acked = new ArrayList<>();
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (int step = 0; step < CHAOS_STEPS; step++) {
            chaos(c);
            for (int k = 0; k < OPS_PER_STEP; k++) {
                List<Integer> up = c.upIds();
                if (up.isEmpty()) {
                    break;
                }
                Command cmd = command(Op.values()[c.sim.random().nextInt(3)], 1 + c.sim.random().nextInt(SimStore.BOOKS),
                        "u" + c.sim.random().nextInt(3));
                futures.add(c.submit(up.get(c.sim.random().nextInt(up.size())), cmd).whenComplete((o, e) -> {
                    if (o != null && o.ok()) {
                        acked.add(cmd.requestId());
                    }
                }));
            }
            c.sim.runFor(STEP_MIN_MS + c.sim.random().nextInt(STEP_JITTER_MS));
        }
        c.recoverAll();
        c.network.heal();
        c.network.dropRate(0);
        c.sim.runUntil(() -> futures.stream().allMatch(CompletableFuture::isDone), SETTLE_MS);
        assertTrue(c.sim.runUntil(c::agreed, HEAL_MS), "seed " + seed + ": the cluster heals to one coordinator");
        assertEquals(List.of(), violations(c, acked), "seed " + seed);
    }

    /** One random step of chaos: crash, restart, pause, resume or isolate a random node, heal, or nothing. */
    private static void chaos(SimCluster c) {
        int id = 1 + c.sim.random().nextInt(5);
        switch (c.sim.random().nextInt(CHAOS_CHOICES)) {
            case 0 -> {
                if (c.state(id) == ProcessState.UP) {
                    c.crash(id);
                }
            }
            case 1 -> {
                if (c.state(id) == ProcessState.CRASHED) {
                    c.start(id);
                }
            }
            case 2 -> {
                if (c.state(id) == ProcessState.UP) {
                    c.pause(id);
                }
            }
            case 3, 4 -> {
                if (c.state(id) == ProcessState.PAUSED) {
                    c.resume(id);
                }
            }
            case 5 -> c.network.isolate(id);
            case 6 -> c.network.heal();
            default -> { }
        }
    }
}
