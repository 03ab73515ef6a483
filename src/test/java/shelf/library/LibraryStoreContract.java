package shelf.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import shelf.fencing.FencingToken;

/**
 * What every {@link LibraryStore} promises, whatever keeps the library: the rules, fencing by token with a stale batch
 * refused whole, a retried request answered as the first time through any node, the history in order, and concurrent
 * writers on several nodes ordered by token. One subclass per store; {@link #open} is another node's view of one library.
 */
public abstract class LibraryStoreContract {
    protected static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
    protected static final int BOOKS = 10;
    private static final FencingToken T1 = new FencingToken(1, 1);

    private final List<LibraryStore> opened = new ArrayList<>();

    /** Creates a fresh library of {@code catalog}, replacing the last test's. */
    protected abstract void createLibrary(List<CatalogEntry> catalog) throws Exception;

    /** A store on the library, as one more node would open it. */
    protected abstract LibraryStore openStore(Clock clock) throws Exception;

    @BeforeEach
    void freshLibrary() throws Exception {
        createLibrary(SampleCatalog.books(BOOKS));
    }

    @AfterEach
    void closeStores() {
        opened.forEach(LibraryStore::close);
    }

    protected LibraryStore node() throws Exception {
        LibraryStore store = openStore(CLOCK);
        opened.add(store);
        return store;
    }

    protected static Command cmd(Op op, int book, String user) {
        return new Command(UUID.randomUUID().toString(), op, book, user);
    }

    @Test
    void theRulesDecideEachCommandOfABatch() throws Exception {
        LibraryStore store = node();
        List<Outcome> outcomes = store.apply(T1, 1, List.of(cmd(Op.BORROW, 3, "alice"), cmd(Op.BORROW, 3, "bob"),
                cmd(Op.RETURN, 3, "bob"), cmd(Op.RENEW, 3, "alice"), cmd(Op.BORROW, 99, "alice"), cmd(Op.RETURN, 4, "bob")));
        assertEquals(List.of(true, false, false, true, false, false), outcomes.stream().map(Outcome::ok).toList());
        assertEquals("alice borrowed book 3, due 2026-12-08", outcomes.get(0).message());
        assertEquals("book 3 is already on loan", outcomes.get(1).message());
        assertEquals("book 3 is not on loan to you", outcomes.get(2).message());
        assertEquals("alice renewed book 3, now due 2026-12-22", outcomes.get(3).message());
        assertEquals("unknown book 99 (the library has books 1..10)", outcomes.get(4).message());
        assertEquals("book 4 is not on loan", outcomes.get(5).message());
        Book three = store.books().get(2);
        assertEquals("alice", three.borrower());
        assertEquals(java.time.LocalDate.parse("2026-12-22"), three.due());
        assertEquals(List.of(three), store.loansOf("alice"));
        assertTrue(store.apply(T1, 1, List.of(cmd(Op.RETURN, 3, "alice"))).get(0).ok());
        assertTrue(store.books().get(2).available());
    }

    @Test
    void aStaleBatchIsRefusedWholeAndNothingOfItIsApplied() throws Exception {
        LibraryStore store = node();
        store.apply(new FencingToken(2, 5), 1, List.of(cmd(Op.BORROW, 1, "alice")));
        StaleTokenException lower = assertThrows(StaleTokenException.class, () -> store.apply(new FencingToken(2, 4), 2,
                List.of(cmd(Op.BORROW, 2, "bob"), cmd(Op.BORROW, 3, "bob"), cmd(Op.RETURN, 1, "alice"))));
        assertEquals(new FencingToken(2, 5), lower.highest());
        assertThrows(StaleTokenException.class, () -> store.apply(new FencingToken(2, 5), 2, List.of(cmd(Op.BORROW, 2, "bob"))),
                "the same token from another node is a lapsed lease");
        assertEquals(1, store.history(null).size());
        assertEquals(List.of(), store.loansOf("bob"));
        assertEquals("alice", store.books().get(0).borrower());
        assertTrue(store.apply(new FencingToken(2, 5), 1, List.of(cmd(Op.BORROW, 2, "alice"))).get(0).ok(),
                "the holder may write several batches under one grant");
        assertTrue(store.apply(new FencingToken(3, 1), 2, List.of(cmd(Op.BORROW, 3, "bob"))).get(0).ok());
        assertEquals(new FencingToken(3, 1), store.highestToken());
    }

    @Test
    void aTokenAcceptedOnOneNodeFencesOffEveryOther() throws Exception {
        LibraryStore a = node();
        LibraryStore b = node();
        a.apply(new FencingToken(4, 1), 1, List.of(cmd(Op.BORROW, 1, "alice")));
        assertThrows(StaleTokenException.class, () -> b.apply(new FencingToken(3, 9), 2, List.of(cmd(Op.BORROW, 2, "bob"))));
        assertEquals("alice", b.books().get(0).borrower());
        assertFalse(b.apply(new FencingToken(4, 2), 2, List.of(cmd(Op.BORROW, 1, "bob"))).get(0).ok(),
                "the next holder decides on the state the previous one left");
    }

    @Test
    void aRetryThroughAnotherNodeAnswersAsTheFirstTimeAndIsNotAppliedTwice() throws Exception {
        Command borrow = cmd(Op.BORROW, 5, "alice");
        node().apply(T1, 1, List.of(borrow));
        LibraryStore other = node();
        Outcome again = other.apply(new FencingToken(1, 2), 2, List.of(borrow, cmd(Op.BORROW, 5, "bob"))).get(0);
        assertTrue(again.ok());
        assertEquals("alice borrowed book 5, due 2026-12-08 (request already applied)", again.message());
        assertEquals(1, other.history(null).size());
    }

    @Test
    void aRetryIsRecognisedAfterEveryNodeRestarted() throws Exception {
        Command borrow = cmd(Op.BORROW, 5, "alice");
        Command renew = new Command("client-chosen id 7", Op.RENEW, 5, "alice");
        LibraryStore first = node();
        first.apply(T1, 1, List.of(borrow, renew));
        first.close();
        LibraryStore restarted = node();
        List<Outcome> again = restarted.apply(new FencingToken(2, 1), 2, List.of(renew, borrow));
        assertEquals("alice renewed book 5, now due 2026-12-22 (request already applied)", again.get(0).message());
        assertEquals("alice borrowed book 5, due 2026-12-08 (request already applied)", again.get(1).message());
        assertEquals(2, restarted.history(null).size());
    }

    @Test
    void theHistoryKeepsEveryChangeInOrderWithItsTokenAndNode() throws Exception {
        LibraryStore a = node();
        LibraryStore b = node();
        a.apply(T1, 1, List.of(cmd(Op.BORROW, 1, "alice"), cmd(Op.BORROW, 2, "alice")));
        b.apply(new FencingToken(1, 2), 2, List.of(cmd(Op.RETURN, 1, "alice"), cmd(Op.BORROW, 1, "bob")));
        List<HistoryRecord> history = a.history(null);
        assertEquals(List.of(1L, 2L, 3L, 4L), history.stream().map(HistoryRecord::seq).toList());
        assertEquals(List.of(Op.BORROW, Op.BORROW, Op.RETURN, Op.BORROW), history.stream().map(HistoryRecord::op).toList());
        assertEquals(List.of(1, 1, 2, 2), history.stream().map(HistoryRecord::node).toList());
        assertEquals(List.of(T1, T1, new FencingToken(1, 2), new FencingToken(1, 2)),
                history.stream().map(HistoryRecord::token).toList());
        assertEquals(CLOCK.instant(), history.get(0).time());
        assertEquals(List.of(1L, 3L, 4L), b.history(1).stream().map(HistoryRecord::seq).toList());
        assertEquals(history, b.history(null));
    }

    @Test
    void theHistoryAndTheCatalogueAreReadInPages() throws Exception {
        LibraryStore a = node();
        a.apply(T1, 1, List.of(cmd(Op.BORROW, 1, "alice"), cmd(Op.BORROW, 2, "alice"), cmd(Op.RETURN, 1, "alice"),
                cmd(Op.BORROW, 1, "bob")));
        Page<HistoryRecord> first = a.historyPage(null, 0, 3);
        assertEquals(List.of(1L, 2L, 3L), first.items().stream().map(HistoryRecord::seq).toList());
        assertTrue(first.more());
        Page<HistoryRecord> last = a.historyPage(null, 3, 3);
        assertEquals(List.of(4L), last.items().stream().map(HistoryRecord::seq).toList());
        assertFalse(last.more());
        assertEquals(List.of(), a.historyPage(null, 4, 3).items());
        Page<HistoryRecord> book1 = a.historyPage(1, 1, 1);
        assertEquals(List.of(3L), book1.items().stream().map(HistoryRecord::seq).toList());
        assertTrue(book1.more());
        int books = a.books().size();
        Page<Book> shelf = a.booksPage(1, books);
        assertEquals(a.books().subList(1, books), shelf.items());
        assertFalse(shelf.more());
        assertTrue(a.booksPage(0, 1).more());
    }

    /**
     * Four nodes write at once, each taking the next token from one counter but without any lock between them, as holders
     * whose leases lapsed would: whatever the store accepts is ordered by token, every acknowledged change is in the history
     * exactly once, the history replays to the state the store shows, and no book is ever lent twice.
     */
    @Test
    void concurrentWritersAreOrderedByTokenAndNothingAcknowledgedIsLostOrDoubled() throws Exception {
        int writers = 4;
        int batches = 25;
        AtomicLong counter = new AtomicLong();
        Map<String, Outcome> acknowledged = new ConcurrentHashMap<>();
        List<LibraryStore> stores = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            stores.add(node());
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int node = w + 1;
                LibraryStore store = stores.get(w);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < batches; i++) {
                        Command c = cmd(i % 2 == 0 ? Op.BORROW : Op.RETURN, 1 + (i / 2 + node) % 3, "user" + node);
                        try {
                            Outcome o = store.apply(new FencingToken(1, counter.incrementAndGet()), node, List.of(c)).get(0);
                            acknowledged.put(c.requestId(), o);
                        } catch (StaleTokenException e) {
                            // fenced off: a later token was accepted first; nothing of it applied
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<HistoryRecord> history = node().history(null);
        List<FencingToken> tokens = history.stream().map(HistoryRecord::token).toList();
        List<FencingToken> sorted = new ArrayList<>(tokens);
        Collections.sort(sorted);
        assertEquals(sorted, tokens, "accepted writes are ordered by token");
        Map<String, HistoryRecord> byRequest = history.stream()
                .collect(Collectors.toMap(HistoryRecord::requestId, Function.identity()));
        assertEquals(history.size(), byRequest.size(), "no request applied twice");
        acknowledged.forEach((id, o) -> assertEquals(o.ok(), byRequest.containsKey(id), id + ": " + o.message()));
        LibraryState replayed = new LibraryState(SampleCatalog.books(BOOKS));
        history.forEach(replayed::apply); // throws if a book was lent twice
        assertEquals(replayed.books(), node().books());
    }
}
