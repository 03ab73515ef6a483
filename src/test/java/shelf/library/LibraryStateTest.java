package shelf.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import shelf.fencing.FencingToken;
import shelf.library.LibraryState.Decision;

class LibraryStateTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 24);
    private final LibraryState state = new LibraryState(List.of(
            new CatalogEntry(1, "Dune", "Frank Herbert"), new CatalogEntry(2, "Emma", "Jane Austen")));
    private long seq;
    private int request;

    private Decision decide(Op op, int book, String user) {
        return state.decide(new Command("r" + (++request), op, book, user), TODAY, 14);
    }

    private void applyChange(Op op, int book, String user) {
        Decision d = decide(op, book, user);
        Decision.Change c = assertInstanceOf(Decision.Change.class, d, d.toString());
        seq++;
        state.apply(new HistoryRecord(seq, Instant.EPOCH, c.op(), c.bookId(), c.user(), 1, new FencingToken(1, seq), c.due(),
                "r" + request));
    }

    private Outcome refusal(Op op, int book, String user) {
        Outcome o = assertInstanceOf(Decision.Answer.class, decide(op, book, user)).outcome();
        assertFalse(o.ok());
        return o;
    }

    @Test
    void borrowSetsBorrowerAndDueDate() {
        applyChange(Op.BORROW, 1, "alice");
        Book b = state.book(1);
        assertFalse(b.available());
        assertEquals("alice", b.borrower());
        assertEquals(TODAY.plusDays(14), b.due());
        assertEquals(List.of(b), state.loansOf("alice"));
    }

    @Test
    void oneCopyOfEachBook() {
        applyChange(Op.BORROW, 1, "alice");
        assertEquals("book 1 is already on loan", refusal(Op.BORROW, 1, "bob").message());
        assertEquals("book 1 is already on loan to you", refusal(Op.BORROW, 1, "alice").message());
    }

    @Test
    void onlyTheBorrowerReturnsOrRenews() {
        applyChange(Op.BORROW, 1, "alice");
        assertEquals("book 1 is not on loan to you", refusal(Op.RETURN, 1, "bob").message());
        assertEquals("book 1 is not on loan to you", refusal(Op.RENEW, 1, "bob").message());
        assertEquals("book 2 is not on loan", refusal(Op.RETURN, 2, "alice").message());
        applyChange(Op.RETURN, 1, "alice");
        assertTrue(state.book(1).available());
    }

    @Test
    void renewExtendsTheDueDateByALoanPeriod() {
        applyChange(Op.BORROW, 1, "alice");
        applyChange(Op.RENEW, 1, "alice");
        assertEquals(TODAY.plusDays(28), state.book(1).due());
    }

    @Test
    void unknownBooksAreRefusedNamingTheRange() {
        for (int id : new int[] {0, 3, -1}) {
            Outcome o = refusal(Op.BORROW, id, "alice");
            assertEquals("unknown book " + id + " (the library has books 1..2)", o.message());
        }
    }

    @Test
    void aRetriedRequestAnswersLikeTheFirstTime() {
        applyChange(Op.BORROW, 1, "alice");
        Decision again = state.decide(new Command("r" + request, Op.BORROW, 1, "alice"), TODAY, 14);
        Outcome o = assertInstanceOf(Decision.Answer.class, again).outcome();
        assertTrue(o.ok(), o.message());
        assertTrue(o.message().endsWith("(request already applied)"), o.message());
    }

    @Test
    void replayRejectsAHistoryThatContradictsTheRules() {
        state.apply(new HistoryRecord(1, Instant.EPOCH, Op.BORROW, 1, "alice", 1, FencingToken.parse("1:1"), TODAY, "a"));
        IllegalStateException twice = assertThrows(IllegalStateException.class, () ->
                state.apply(new HistoryRecord(2, Instant.EPOCH, Op.BORROW, 1, "bob", 1, FencingToken.parse("1:2"), TODAY, "b")));
        assertTrue(twice.getMessage().contains("on loan to alice"), twice.getMessage());
        IllegalStateException gap = assertThrows(IllegalStateException.class, () ->
                state.apply(new HistoryRecord(5, Instant.EPOCH, Op.RETURN, 1, "alice", 1, FencingToken.parse("1:2"), null, "c")));
        assertTrue(gap.getMessage().contains("follows record 1"), gap.getMessage());
        IllegalStateException lowerToken = assertThrows(IllegalStateException.class, () ->
                state.apply(new HistoryRecord(2, Instant.EPOCH, Op.RETURN, 1, "alice", 1, FencingToken.parse("0:9"), null, "d")));
        assertTrue(lowerToken.getMessage().contains("below an earlier 1:1"), lowerToken.getMessage());
    }

    @Test
    void appendDecidesEachCommandInTurnAndRecordsOnlyTheChanges() throws StaleTokenException {
        Instant now = Instant.parse("2026-11-24T23:59:00Z");
        FencingToken token = new FencingToken(2, 1);
        LibraryState.Appended appended = state.append(token, 3, List.of(new Command("a", Op.BORROW, 1, "alice"),
                new Command("b", Op.BORROW, 1, "bob"), new Command("c", Op.RENEW, 1, "alice")), now, 14);
        assertEquals(List.of(true, false, true), appended.outcomes().stream().map(Outcome::ok).toList());
        assertEquals(List.of(
                new HistoryRecord(1, now, Op.BORROW, 1, "alice", 3, token, TODAY.plusDays(14), "a"),
                new HistoryRecord(2, now, Op.RENEW, 1, "alice", 3, token, TODAY.plusDays(28), "c")), appended.records());
        assertEquals("alice renewed book 1, now due " + TODAY.plusDays(28), appended.outcomes().get(2).message());
        assertEquals(state.book(1), appended.outcomes().get(2).book());
        assertEquals(2, state.lastSeq());
    }

    @Test
    void appendFencesOffALowerTokenAndTheSameTokenFromAnotherNodeApplyingNothing() throws StaleTokenException {
        List<Command> borrow = List.of(new Command("a", Op.BORROW, 1, "alice"));
        state.append(new FencingToken(2, 5), 1, borrow, Instant.EPOCH, 14);
        StaleTokenException lower = assertThrows(StaleTokenException.class, () ->
                state.append(new FencingToken(2, 4), 2, List.of(new Command("b", Op.BORROW, 2, "bob")), Instant.EPOCH, 14));
        assertEquals("stale fencing token 2:4: the library has accepted 2:5", lower.getMessage());
        assertThrows(StaleTokenException.class, () ->
                state.append(new FencingToken(2, 5), 2, List.of(new Command("b", Op.BORROW, 2, "bob")), Instant.EPOCH, 14));
        assertTrue(state.book(2).available(), "a fenced batch applies nothing");
        assertEquals(1, state.append(new FencingToken(2, 5), 1, List.of(new Command("c", Op.BORROW, 2, "alice")),
                Instant.EPOCH, 14).records().size(), "the holder may write several batches under one grant");
        LibraryState.Appended refused = state.append(new FencingToken(3, 1), 2, List.of(new Command("d", Op.RETURN, 2, "bob")),
                Instant.EPOCH, 14);
        assertEquals(List.of(), refused.records());
        assertFalse(refused.outcomes().get(0).ok());
        assertEquals(new FencingToken(2, 5), state.highestToken(), "a batch of refusals records nothing, so raises no token");
    }

    @Test
    void usernames() {
        assertTrue(Usernames.isValid("alice"));
        assertTrue(Usernames.isValid("a.b_c-9"));
        assertTrue(Usernames.isValid("x".repeat(64)));
        for (String bad : new String[] {"", "x".repeat(65), "a b", "../x", "ali/ce", "é", null}) {
            assertFalse(Usernames.isValid(bad), String.valueOf(bad));
        }
    }

    @Test
    void tokensOrderByEpochThenCounter() {
        assertTrue(FencingToken.parse("1:99").isBelow(FencingToken.parse("2:1")));
        assertTrue(FencingToken.parse("2:1").isBelow(FencingToken.parse("2:2")));
        assertEquals("3:4", new FencingToken(3, 4).toString());
    }
}
