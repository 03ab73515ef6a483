package shelf.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import shelf.fencing.FencingToken;
import shelf.library.Book;
import shelf.library.HistoryRecord;
import shelf.library.Op;

/**
 * The checker fed small histories, each with one known flaw (or none): it must name the flaw, and only it. Times are in
 * arbitrary units (nanoseconds since the run began).
 */
class CheckerTest {
    private static final long SEED = 42;

    /** A run written by hand: what the clients saw, the library's history, the books every node reports. */
    private static final class Run {
        final List<Operation> operations = new ArrayList<>();
        final List<HistoryRecord> history = new ArrayList<>();
        private final Map<Integer, String> borrowers = new HashMap<>();
        private long token = 1;

        Operation op(String user, Op op, int book, long invoke, long complete, Result result) {
            Operation o = new Operation(operations.size(), 1, user, "r" + operations.size(), op, book, invoke, complete,
                    result, result == Result.UNKNOWN ? -1 : 1, "");
            operations.add(o);
            return o;
        }

        /** Applies {@code o} in the history (and in the library the nodes report). */
        Run applied(Operation o) {
            return record(o.op(), o.bookId(), o.user(), o.requestId(), token++);
        }

        Run record(Op op, int book, String user, String requestId, long counter) {
            history.add(new HistoryRecord(history.size() + 1, Instant.EPOCH, op, book, user, 1, new FencingToken(1, counter),
                    null, requestId));
            if (op == Op.BORROW) {
                borrowers.put(book, user);
            } else if (op == Op.RETURN) {
                borrowers.remove(book);
            }
            return this;
        }

        List<Book> library() {
            List<Book> books = new ArrayList<>();
            for (int id = 1; id <= 2; id++) {
                String b = borrowers.get(id);
                books.add(new Book(id, "Book " + id, "Author", b == null, b, null));
            }
            return books;
        }

        Verdict verdict() {
            return verdict(Map.of(1, library(), 2, library()));
        }

        Verdict verdict(Map<Integer, List<Book>> libraries) {
            return Verdict.of(SEED, new Verdict.Evidence(operations, List.of(), List.of(), 1_000, history, libraries), List.of());
        }
    }

    private static void assertFails(Verdict v, String... checks) {
        assertEquals(List.of(checks), v.failedChecks(), v.checks().toString());
    }

    @Test
    void aLegalConcurrentHistoryPasses() {
        Run run = new Run();
        // alice and bob ask for book 1 at once; alice wins, bob is refused; alice renews and returns while bob tries
        // again, and his second try, concurrent with her return, may come after it (it did).
        run.applied(run.op("alice", Op.BORROW, 1, 0, 10, Result.OK));
        run.op("bob", Op.BORROW, 1, 2, 12, Result.REFUSED);
        run.applied(run.op("alice", Op.RENEW, 1, 20, 30, Result.OK));
        run.applied(run.op("alice", Op.RETURN, 1, 40, 50, Result.OK));
        run.applied(run.op("bob", Op.BORROW, 1, 35, 60, Result.OK));
        run.op("carol", Op.RETURN, 2, 0, 5, Result.REFUSED);
        Verdict v = run.verdict();
        assertTrue(v.ok(), v.checks().toString());
        assertEquals(5, v.checks().size());
    }

    @Test
    void aLostAcknowledgementIsCaught() {
        Run run = new Run();
        run.applied(run.op("alice", Op.BORROW, 1, 0, 10, Result.OK));
        Operation lost = run.op("alice", Op.RETURN, 1, 20, 30, Result.OK);
        Verdict v = run.verdict(Map.of(1, List.of(new Book(1, "Book 1", "Author", false, "alice", null))));
        assertFails(v, Acknowledgements.NAME);
        assertTrue(v.checks().get(Acknowledgements.NAME).summary().contains(lost.describe() + " was acknowledged but is not"
                + " in the history"), v.checks().toString());
    }

    @Test
    void aDuplicateApplicationIsCaught() {
        Run run = new Run();
        run.applied(run.op("alice", Op.BORROW, 1, 0, 10, Result.OK));
        Operation renew = run.op("alice", Op.RENEW, 1, 20, 30, Result.OK);
        run.applied(renew).applied(renew);
        Verdict v = run.verdict();
        assertFails(v, Acknowledgements.NAME);
        assertTrue(v.checks().get(Acknowledgements.NAME).summary().contains("was applied twice"), v.checks().toString());
    }

    @Test
    void aRecordNoClientInvokedIsCaught() {
        Run run = new Run();
        run.applied(run.op("alice", Op.BORROW, 1, 0, 10, Result.OK));
        run.record(Op.RENEW, 1, "alice", "nobody-sent-this", 9);
        assertFails(run.verdict(), Acknowledgements.NAME);
    }

    @Test
    void aDoubleLendIsCaught() {
        Run run = new Run();
        run.applied(run.op("alice", Op.BORROW, 1, 0, 10, Result.OK));
        run.applied(run.op("bob", Op.BORROW, 1, 5, 15, Result.OK));
        Verdict v = run.verdict();
        assertFails(v, Replay.LENDING, Linearizability.NAME);
        assertTrue(v.checks().get(Replay.LENDING).summary().contains("lends book 1 to bob while it is lent to alice"),
                v.checks().toString());
    }

    @Test
    void aReturnByANonBorrowerIsCaught() {
        Run run = new Run();
        run.applied(run.op("alice", Op.BORROW, 1, 0, 10, Result.OK));
        run.applied(run.op("bob", Op.RETURN, 1, 20, 30, Result.OK));
        Verdict v = run.verdict();
        assertFails(v, Replay.LENDING, Linearizability.NAME);
        assertTrue(v.checks().get(Replay.LENDING).summary().contains("RETURN of book 1 by bob, who does not have it"),
                v.checks().toString());
    }

    @Test
    void aNonLinearizablePairIsCaughtWithItsWindow() {
        Run run = new Run();
        run.applied(run.op("alice", Op.BORROW, 1, 0, 10, Result.OK));
        run.applied(run.op("alice", Op.RETURN, 1, 20, 30, Result.OK));
        // bob asked after alice's return had completed, and was told the book is on loan: no order explains that
        Operation stale = run.op("bob", Op.BORROW, 1, 40, 50, Result.REFUSED);
        Verdict v = run.verdict();
        assertFails(v, Linearizability.NAME);
        String why = v.checks().get(Linearizability.NAME).summary();
        assertTrue(why.contains("book 1: not linearizable") && why.contains(stale.describe() + " cannot take effect"), why);
    }

    @Test
    void theSamePairOverlappingInTimeIsLinearizable() {
        Run run = new Run();
        run.applied(run.op("alice", Op.BORROW, 1, 0, 10, Result.OK));
        run.applied(run.op("alice", Op.RETURN, 1, 20, 45, Result.OK));
        run.op("bob", Op.BORROW, 1, 40, 50, Result.REFUSED); // may have come before the return took effect
        assertTrue(run.verdict().ok(), run.verdict().checks().toString());
    }

    @Test
    void anUnknownThatWasInFactAppliedIsLegal() {
        Run run = new Run();
        run.applied(run.op("alice", Op.BORROW, 1, 0, 100, Result.UNKNOWN));
        run.op("bob", Op.BORROW, 1, 50, 60, Result.REFUSED);
        run.applied(run.op("alice", Op.RETURN, 1, 70, 80, Result.OK));
        run.applied(run.op("bob", Op.BORROW, 1, 90, 95, Result.OK));
        Verdict v = run.verdict();
        assertTrue(v.ok(), v.checks().toString());
        // and without the library's word on it, "maybe applied" explains the same history
        assertEquals(List.of(), Linearizability.check(run.operations, null).problems());
    }

    @Test
    void anUnknownThatWasNotAppliedIsLegalToo() {
        Run run = new Run();
        run.op("alice", Op.BORROW, 1, 0, 100, Result.UNKNOWN);
        run.applied(run.op("bob", Op.BORROW, 1, 50, 60, Result.OK));
        assertTrue(run.verdict().ok(), run.verdict().checks().toString());
        assertEquals(List.of(), Linearizability.check(run.operations, null).problems());
    }

    @Test
    void anUnknownCannotTakeEffectBeforeItWasInvoked() {
        Run run = new Run();
        run.op("bob", Op.BORROW, 1, 0, 10, Result.REFUSED); // the book was on the shelf: only an earlier borrow explains this
        run.op("alice", Op.BORROW, 1, 20, 30, Result.UNKNOWN);
        assertEquals(1, Linearizability.check(run.operations, null).problems().size());
    }

    @Test
    void tokensGoingBackwardsAreCaught() {
        Run run = new Run();
        Operation borrow = run.op("alice", Op.BORROW, 1, 0, 10, Result.OK);
        Operation renew = run.op("alice", Op.RENEW, 1, 20, 30, Result.OK);
        run.record(borrow.op(), 1, "alice", borrow.requestId(), 7).record(renew.op(), 1, "alice", renew.requestId(), 3);
        assertFails(run.verdict(), Replay.TOKENS);
    }

    @Test
    void aNodeThatReportsAnotherLibraryIsCaught() {
        Run run = new Run();
        run.applied(run.op("alice", Op.BORROW, 1, 0, 10, Result.OK));
        Verdict v = run.verdict(Map.of(1, run.library(), 2, List.of(new Book(1, "Book 1", "Author", true, null, null))));
        assertFails(v, Replay.NODES);
        assertTrue(v.checks().get(Replay.NODES).summary().contains("node 2 reports book 1 on the shelf, the history replays"
                + " to lent to alice"), v.checks().toString());
    }
}
