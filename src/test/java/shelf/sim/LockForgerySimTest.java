package shelf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import shelf.check.InvariantChecker;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.library.SampleCatalog;
import shelf.protocol.Message;

/**
 * The lock protocol checks what it is told, even by a configured peer (a buggy or restarted node is a liar too): a
 * grant counts only from the coordinator followed, in its epoch, for the request outstanding, with a token of that
 * epoch; a release counts only from the holder of its token.
 */
class LockForgerySimTest {
    private static final long AGREEMENT_MS = 3_000;
    private static final long OPERATION_MS = 10_000;
    /** Node 1 writes this long under the lock, so that the forgeries arrive while it holds it and node 2 waits. */
    private static final long LONG_WRITE_MICROS = 400_000;
    private static final int COORDINATOR = 5;

    /** A forged grant for node 2, built from the current epoch, node 2's outstanding request and node 1's token. */
    @FunctionalInterface
    interface Forgery {
        Message.LockGrant grant(long epoch, long request, FencingToken node1Token);
    }

    static Stream<Arguments> forgeries() {
        Map<String, Forgery> all = new LinkedHashMap<>();
        all.put("from a node that is not the coordinator", (e, r, t) -> grant(4, e, r, new FencingToken(e, 99)));
        all.put("of a newer epoch", (e, r, t) -> grant(COORDINATOR, e + 10, r, new FencingToken(e + 10, 1)));
        all.put("of an older epoch", (e, r, t) -> grant(COORDINATOR, e - 10, r, new FencingToken(e - 10, 99)));
        all.put("with a token of another epoch", (e, r, t) -> grant(COORDINATOR, e, r, new FencingToken(e - 1, 99)));
        all.put("for a request never made", (e, r, t) -> grant(COORDINATOR, e, r + 1_000, new FencingToken(e, 99)));
        all.put("with the largest token", (e, r, t) -> grant(COORDINATOR, e, r,
                new FencingToken(Long.MAX_VALUE, Long.MAX_VALUE)));
        all.put("with the holder's token for another request", (e, r, t) -> grant(COORDINATOR, e, r + 1, t));
        return all.entrySet().stream().flatMap(f -> Seeds.Provider.range(3)
                .mapToObj(seed -> Arguments.of(f.getKey(), f.getValue(), seed)));
    }

    private static Message.LockGrant grant(int from, long epoch, long request, FencingToken token) {
        return new Message.LockGrant(from, epoch, request, token, 500, 2_000);
    }

    @ParameterizedTest(name = "a grant {0} is refused and released, seed {2}")
    @MethodSource("forgeries")
    void aForgedGrantIsRefusedAndReleasedAndTheRealHolderKeepsTheLock(String what, Forgery forgery, long seed) {
        SimCluster c = agreedCluster(seed);
        List<Long> node2Requests = new ArrayList<>();
        c.network.beforeSend((to, m) -> {
            if (m instanceof Message.LockRequest r && r.from() == 2) {
                node2Requests.add(r.requestId());
            }
            return false;
        });
        Contention scene = holdAndWait(c, 1, 2);
        Command first = scene.first();
        Command second = scene.second();
        CompletableFuture<Outcome> holding = scene.holding();
        CompletableFuture<Outcome> waiting = scene.waiting();
        FencingToken node1Token = c.status(1).heldToken();
        long grants = c.status(COORDINATOR).lock().grants();
        long releasesSent = sent(c, 2, "LOCK_RELEASE");

        c.inject(2, forgery.grant(c.status(2).epoch(), node2Requests.get(node2Requests.size() - 1), node1Token));
        c.sim.runFor(5);

        assertNull(c.status(2).heldToken(), "seed " + seed + ": node 2 took a grant " + what);
        assertEquals(releasesSent + 1, sent(c, 2, "LOCK_RELEASE"), "seed " + seed + ": the refused grant was released");
        assertEquals(1, c.status(COORDINATOR).lockHolder(), "seed " + seed + ": node 1 still holds the lock");
        assertEquals(node1Token, c.status(COORDINATOR).lock().token());
        assertEquals(grants, c.status(COORDINATOR).lock().grants(), "seed " + seed + ": no second grant while node 1 holds");

        assertTrue(done(c, holding).ok() && done(c, waiting).ok(), "seed " + seed + ": both operations complete");
        List<HistoryRecord> history = c.store.history();
        assertEquals(List.of(1, 2), history.stream().map(HistoryRecord::node).toList());
        assertEquals(c.status(2).epoch(), history.get(1).token().epoch(), "node 2 wrote with a token of its own grant");
        assertNotEquals(Long.MAX_VALUE, history.get(1).token().counter());
        assertEquals(List.of(), violations(c, List.of(first.requestId(), second.requestId())), "seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void aHolderThatRefusesAGrantOfItsOwnTokenDoesNotReleaseIt(long seed) {
        SimCluster c = agreedCluster(seed);
        Contention scene = holdAndWait(c, 1, 2);
        Command first = scene.first();
        Command second = scene.second();
        CompletableFuture<Outcome> holding = scene.holding();
        CompletableFuture<Outcome> waiting = scene.waiting();
        FencingToken token = c.status(1).heldToken();
        long epoch = c.status(1).epoch();
        long grants = c.status(COORDINATOR).lock().grants();

        // The holder's own token, in grants it must refuse (wrong epoch, wrong sender): refused, but not released.
        c.inject(1, grant(COORDINATOR, epoch + 10, 1, token));
        c.inject(1, grant(3, epoch, 1, token));
        c.sim.runFor(5);

        assertEquals(token, c.status(1).heldToken(), "seed " + seed);
        assertEquals(1, c.status(COORDINATOR).lockHolder(), "seed " + seed + ": node 1 still holds the lock");
        assertEquals(grants, c.status(COORDINATOR).lock().grants(), "seed " + seed + ": no second grant while node 1 holds");
        assertTrue(done(c, holding).ok() && done(c, waiting).ok(), "seed " + seed);
        assertEquals(List.of(), violations(c, List.of(first.requestId(), second.requestId())), "seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @Seeds(10)
    void aReleaseWithTheHoldersTokenFromAnotherNodeChangesNothing(long seed) {
        SimCluster c = agreedCluster(seed);
        Contention scene = holdAndWait(c, 2, 3);
        Command first = scene.first();
        Command second = scene.second();
        CompletableFuture<Outcome> holding = scene.holding();
        CompletableFuture<Outcome> waiting = scene.waiting();
        FencingToken token = c.status(2).heldToken();
        long epoch = c.status(COORDINATOR).epoch();
        long grants = c.status(COORDINATOR).lock().grants();

        // Node 1, node 3 (the waiter itself) and node 4 send the holder's token back, as though they held it.
        for (int forger : new int[] {1, 3, 4}) {
            c.inject(COORDINATOR, new Message.LockRelease(forger, epoch, token));
        }
        c.sim.runFor(5);

        assertEquals(2, c.status(COORDINATOR).lockHolder(), "seed " + seed + ": node 2 keeps the lock");
        assertEquals(grants, c.status(COORDINATOR).lock().grants(), "seed " + seed + ": node 3 was not granted too");
        assertEquals(3, c.status(COORDINATOR).lock().staleReleases());
        assertTrue(done(c, holding).ok() && done(c, waiting).ok(), "seed " + seed);
        assertEquals(List.of(2, 3), c.store.history().stream().map(HistoryRecord::node).toList());
        assertEquals(List.of(), violations(c, List.of(first.requestId(), second.requestId())), "seed " + seed);
    }

    /** Node {@code holder} holds the lock through a long write (alice borrows book 1); {@code waiter} queues behind it. */
    private record Contention(Command first, Command second, CompletableFuture<Outcome> holding,
                              CompletableFuture<Outcome> waiting) {
    }

    private static Contention holdAndWait(SimCluster c, int holder, int waiter) {
        c.writeDelay(LONG_WRITE_MICROS);
        Command first = new Command("req-1", Op.BORROW, 1, "alice");
        Command second = new Command("req-2", Op.BORROW, 2, "bob");
        CompletableFuture<Outcome> holding = c.submit(holder, first);
        assertTrue(c.sim.runUntil(() -> c.status(holder).heldToken() != null, 1_000), "node " + holder + " holds the lock");
        CompletableFuture<Outcome> waiting = c.submit(waiter, second);
        assertTrue(c.sim.runUntil(() -> c.status(COORDINATOR).lock().queue().contains(waiter), 1_000),
                "node " + waiter + " waits");
        return new Contention(first, second, holding, waiting);
    }

    private static SimCluster agreedCluster(long seed) {
        SimCluster c = new SimCluster(seed, COORDINATOR);
        c.sim.afterEachEvent(c::checkOneCoordinatorPerEpoch);
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, AGREEMENT_MS), "seed " + seed + ": no agreement");
        return c;
    }

    private static long sent(SimCluster c, int node, String type) {
        return c.status(node).counters().getOrDefault("sent." + type, 0L);
    }

    private static Outcome done(SimCluster c, CompletableFuture<Outcome> f) {
        assertTrue(c.sim.runUntil(f::isDone, OPERATION_MS), "seed " + c.sim.seed() + ": operation did not complete");
        return f.join();
    }

    private static List<String> violations(SimCluster c, List<String> acked) {
        return InvariantChecker.check(c.store.history(), acked, SampleCatalog.books(SimStore.BOOKS),
                Map.of("store", c.store.state().books()));
    }
}
