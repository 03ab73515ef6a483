package shelf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import shelf.api.UnavailableException;
import shelf.check.InvariantChecker;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.library.SampleCatalog;
import shelf.protocol.Message;

/** The centralized lock under virtual time: FIFO grants, leases, fencing, failover, loss. */
class LockSimTest {
    private int requests;

    private SimCluster agreedCluster(long seed, int size) {
        SimCluster c = new SimCluster(seed, size);
        c.sim.afterEachEvent(c::checkOneCoordinatorPerEpoch);
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, 3_000), "seed " + seed + ": no agreement");
        return c;
    }

    private Command command(Op op, int book, String user) {
        return new Command("req-" + (++requests), op, book, user);
    }

    private static Outcome done(SimCluster c, CompletableFuture<Outcome> f) {
        assertTrue(c.sim.runUntil(f::isDone, 10_000), "seed " + c.sim.seed() + ": operation did not complete");
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
        c.writeDelayMicros = 5_000;
        List<CompletableFuture<Outcome>> all = new ArrayList<>();
        for (int node : new int[] {3, 1, 4, 2}) {
            all.add(c.submit(node, command(Op.BORROW, 1, "u" + node)));
            c.sim.runFor(1);
        }
        all.forEach(f -> done(c, f));
        assertEquals(List.of(3), c.store.history().stream().map(HistoryRecord::node).toList(), "the first asker got the book");
        assertEquals(List.of(true, false, false, false), all.stream().map(f -> f.join().ok()).toList());
    }

    @Test
    void contendingBorrowsOfOneBookLetExactlyOneWin() {
        for (long seed = 1; seed <= 20; seed++) {
            SimCluster c = agreedCluster(seed, 5);
            List<CompletableFuture<Outcome>> all = new ArrayList<>();
            for (int client = 0; client < 10; client++) {
                all.add(c.submit(1 + client % 5, command(Op.BORROW, 2, "user" + client)));
            }
            all.forEach(f -> done(c, f));
            assertEquals(1, all.stream().filter(f -> f.join().ok()).count(), "seed " + seed);
        }
    }

    @Test
    void aCrashedHoldersLeaseIsRevokedAndTheNextWaiterGranted() {
        SimCluster c = agreedCluster(3, 5);
        c.writeDelayMicros = 50_000;
        CompletableFuture<Outcome> first = c.submit(2, command(Op.BORROW, 1, "alice"));
        c.sim.runUntil(() -> c.status(2).heldToken() != null, 1_000);
        c.crash(2);
        CompletableFuture<Outcome> second = c.submit(3, command(Op.BORROW, 2, "bob"));
        assertTrue(done(c, second).ok());
        assertFalse(first.isDone(), "the crashed node never answered");
        assertEquals(1, c.status(5).lock().revocations());
    }

    @Test
    void aPausedHolderIsFencedOffWhenItResumesAndAcknowledgesNothing() {
        for (long seed = 1; seed <= 10; seed++) {
            SimCluster c = agreedCluster(seed, 5);
            c.writeDelayMicros = 20_000;
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
    }

    @Test
    void aCoordinatorCrashWithTheLockHeldAndRequestsQueuedCompletesEachOperationOnceOrFails() {
        for (long seed = 1; seed <= 20; seed++) {
            SimCluster c = agreedCluster(seed, 5);
            c.writeDelayMicros = 30_000;
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
                c.sim.runUntil(all.get(i)::isDone, 10_000);
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
    }

    @Test
    void theLockPassesOnOnceABatchIsAppendedAndItsClientsHearOnlyOnceItIsDurable() {
        for (long seed = 1; seed <= 5; seed++) {
            SimCluster c = agreedCluster(seed, 5);
            c.syncDelayMicros = 50_000;
            CompletableFuture<Outcome> first = c.submit(2, command(Op.BORROW, 1, "alice"));
            CompletableFuture<Outcome> second = c.submit(3, command(Op.BORROW, 2, "bob"));
            assertTrue(c.sim.runUntil(() -> c.store.history().size() == 2, 1_000), "seed " + seed + ": both appended");
            assertFalse(first.isDone() || second.isDone(),
                    "seed " + seed + ": the second holder appended while the first batch's fsync ran; nobody answered yet");
            assertTrue(done(c, first).ok() && done(c, second).ok(), "seed " + seed);
            assertEquals(2, c.status(5).lock().grants(), "seed " + seed);
        }
    }

    @Test
    void aHolderThatCrashesBeforeItsFsyncReturnsAnswersNobodyAndARetryElsewhereGetsTheFirstOutcome() {
        SimCluster c = agreedCluster(4, 5);
        c.syncDelayMicros = 50_000;
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
        c.syncFailure = "history.log: fsync failed: Input/output error";
        Command borrow = command(Op.BORROW, 1, "alice");
        CompletableFuture<Outcome> failed = c.submit(2, borrow);
        assertTrue(c.sim.runUntil(failed::isDone, 1_000));
        Throwable why = assertThrows(CompletionException.class, failed::join).getCause();
        assertTrue(why instanceof UnavailableException && why.getMessage().contains("could not make it durable")
                && why.getMessage().contains("retry it with the same request id"), why.toString());
        c.syncFailure = null;
        assertTrue(done(c, c.submit(3, command(Op.BORROW, 2, "bob"))).ok(), "the lock went on to the next holder");
        assertTrue(done(c, c.submit(2, borrow)).ok(), "the retry gets the first outcome");
        assertEquals(List.of("alice", "bob"), c.store.history().stream().map(HistoryRecord::user).toList());
    }

    @Test
    void aHolderThatWritesLongerThanItsLeaseKeepsItByHeartbeatsTheCoordinatorToo() {
        for (int node : new int[] {2, 5}) {
            SimCluster c = agreedCluster(8, 5);
            c.writeDelayMicros = c.config.timings().leaseMs() * 3 * 1000;
            assertTrue(done(c, c.submit(node, command(Op.BORROW, 1, "alice"))).ok(), "node " + node);
            assertEquals(0, c.status(5).lock().revocations(), "node " + node + "'s lease was renewed while it wrote");
            assertEquals(0, c.store.fencedWrites());
        }
    }

    @Test
    void aLostLockStateReportIsAskedForAgainRatherThanAwaitedForTheWholeFailureTimeout() {
        SimCluster c = new SimCluster(9, 4, "failure.timeout.ms=60000", "lease.ms=60000");
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, 3_000));
        boolean[] dropped = {false};
        c.dropFilter = (to, m) -> {
            if (m instanceof Message.LockStateReport && !dropped[0]) {
                dropped[0] = true;
                return true;
            }
            return false;
        };
        c.crash(4);
        c.node(3).core.startElection("test");
        assertTrue(c.sim.runUntil(c::agreed, 2_000), "recovered within a few heartbeats, not the 60 s failure timeout");
        assertTrue(dropped[0]);
    }

    @Test
    void aLostLockRequestIsSentAgainAfterTheResendInterval() {
        assertFirstLockRequestLostThenGranted(false, timings -> 2 * timings.failureTimeoutMs());
    }

    @Test
    void aLockRequestReportedUndeliverableIsSentAgainAtTheNextTick() {
        assertFirstLockRequestLostThenGranted(true, timings -> 0L); // the next tick, not the resend interval
    }

    /**
     * Node 1's first lock request is lost (silently, or reported undeliverable after the RPC timeout); its
     * write must still be granted, no sooner than {@code earliest} and within two heartbeats after it (or
     * after the RPC timeout, for a reported loss).
     */
    private void assertFirstLockRequestLostThenGranted(boolean reported, java.util.function.ToLongFunction<shelf.config.Timings> earliest) {
        for (long seed = 1; seed <= 5; seed++) {
            SimCluster c = agreedCluster(seed, 3);
            int[] sent = {0};
            java.util.function.BiPredicate<Integer, Message> first =
                    (to, m) -> m instanceof Message.LockRequest r && r.from() == 1 && sent[0]++ == 0;
            if (reported) {
                c.failFilter = first;
            } else {
                c.dropFilter = first;
            }
            long asked = c.sim.nowMillis();
            Outcome o = done(c, c.submit(1, command(Op.BORROW, 1, "alice")));
            long took = c.sim.nowMillis() - asked;
            assertTrue(o.ok(), o.message());
            assertTrue(sent[0] >= 2, "seed " + seed + ": the request was sent once only");
            var timings = c.config.timings();
            long from = Math.max(earliest.applyAsLong(timings), reported ? timings.rpcTimeoutMs() : 0);
            assertTrue(took >= from && took <= from + 2 * timings.heartbeatIntervalMs(),
                    "seed " + seed + ": granted after " + took + " ms, expected " + from + " ms and at most two heartbeats more");
        }
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

    @Test
    void lossAndDuplicationDoNotBreakTheMutex() {
        for (long seed = 1; seed <= 20; seed++) {
            SimCluster c = agreedCluster(seed, 5);
            c.lossRate = 0.1;
            c.duplicateRate = 0.1;
            List<String> acked = runRandomClients(c, 60, 3_000);
            assertEquals(List.of(), violations(c, acked), "seed " + seed);
            assertTrue(acked.size() > 5, "seed " + seed + ": progress despite loss: " + acked.size());
        }
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
        c.node(1).core.deliver(new Message.LockRelease(1, c.status(3).epoch(), new FencingToken(1, 99)));
        c.node(2).core.deliver(new Message.LockGrant(3, c.status(3).epoch(), 12345, new FencingToken(c.status(3).epoch(), 77), 500));
        c.node(3).core.deliver(new Message.LockRequest(9, c.status(3).epoch(), 1));
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

    @Test
    void invariantsHoldUnderRandomCrashesPausesAndPartitions() {
        int seeds = Integer.getInteger("sim.seeds", 150);
        for (long seed = 1; seed <= seeds; seed++) {
            SimCluster c = new SimCluster(seed, 5);
            c.startAll();
            c.lossRate = 0.02;
            c.duplicateRate = 0.02;
            List<String> acked = new ArrayList<>();
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (int step = 0; step < 40; step++) {
                chaos(c);
                for (int k = 0; k < 3; k++) {
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
                c.sim.runFor(20 + c.sim.random().nextInt(200));
            }
            for (int id : c.config.ids()) {
                if (c.state(id) == SimCluster.State.PAUSED) {
                    c.resume(id);
                } else if (c.state(id) == SimCluster.State.CRASHED) {
                    c.start(id);
                }
            }
            c.heal();
            c.lossRate = 0;
            c.sim.runUntil(() -> futures.stream().allMatch(CompletableFuture::isDone), 20_000);
            assertTrue(c.sim.runUntil(c::agreed, 10_000), "seed " + seed + ": the cluster heals to one coordinator");
            assertEquals(List.of(), violations(c, acked), "seed " + seed);
        }
    }

    private static void chaos(SimCluster c) {
        int id = 1 + c.sim.random().nextInt(5);
        switch (c.sim.random().nextInt(12)) {
            case 0 -> {
                if (c.state(id) == SimCluster.State.UP) {
                    c.crash(id);
                }
            }
            case 1 -> {
                if (c.state(id) == SimCluster.State.CRASHED) {
                    c.start(id);
                }
            }
            case 2 -> {
                if (c.state(id) == SimCluster.State.UP) {
                    c.pause(id);
                }
            }
            case 3, 4 -> {
                if (c.state(id) == SimCluster.State.PAUSED) {
                    c.resume(id);
                }
            }
            case 5 -> c.partition(Set.of(id));
            case 6 -> c.heal();
            default -> { }
        }
    }
}
