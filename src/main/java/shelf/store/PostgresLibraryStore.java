package shelf.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.fencing.FencingToken;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.LibraryCorruptException;
import shelf.library.LibraryState;
import shelf.library.LibraryStore;
import shelf.library.Outcome;
import shelf.library.Page;
import shelf.library.StaleTokenException;
import shelf.library.StoreException;

/**
 * The library in PostgreSQL, so that nodes on several hosts share it without a shared folder. Fencing is the
 * database's: a batch is one transaction that takes the fence row ({@code SELECT … FOR UPDATE}), refuses the whole
 * batch when its token is fenced off ({@link LibraryState#fencedOff}), decides each command by the library's rules
 * ({@link LibraryState#append}, the same code as the file store), inserts the history rows, updates the books,
 * records the request ids (unique in the database: a retry through any node answers as the first time did), advances
 * the fence (a trigger refuses to lower it, whoever asks) and commits. Writes are thereby ordered by token.
 *
 * <p>Each node keeps a copy of the state ({@link LibraryState}) that it brings up to date, under the fence row's lock,
 * from the history rows written since it last looked: the rules run in Java on the exact state, and a write costs
 * O(1) in the history's length. Reads come from the tables. A commit is durable, so {@link #sync} has nothing to do.
 * Thread-safe: writers queue on one session, readers take pooled ones.
 */
public final class PostgresLibraryStore implements LibraryStore {
    private static final Logger log = LoggerFactory.getLogger(PostgresLibraryStore.class);
    private static final String HISTORY_COLUMNS = HistoryRows.COLUMNS;

    private final Database db;
    private final Clock clock;
    private final int loanDays;
    private final String who;
    private final Sessions readers;
    private final ReentrantLock writers = new ReentrantLock();
    /** The writers' session; null until first needed, and after a failure. Guarded by {@link #writers}. */
    private Connection writer;
    /** The state up to {@link LibraryState#lastSeq}; null when it must be replayed afresh. Guarded by {@link #writers}. */
    private LibraryState state;
    private String library;

    private PostgresLibraryStore(Database db, Clock clock, int loanDays, String who) {
        this.db = db;
        this.clock = Clock.tick(clock, Duration.ofNanos(1_000)); // timestamptz keeps microseconds
        this.loanDays = loanDays;
        this.who = who;
        this.readers = new Sessions(db);
    }

    /**
     * Opens the library in {@code db}, creating or upgrading its schema, and replays its history.
     *
     * @param who how log lines name the owner, e.g. {@code "node 3"}
     * @throws StoreException when the database cannot be reached, or has no books yet (one line saying how to create them)
     */
    public static PostgresLibraryStore open(Database db, Clock clock, int loanDays, String who) throws StoreException {
        db.migrate();
        PostgresLibraryStore store = new PostgresLibraryStore(db, clock, loanDays, who);
        store.writers.lock();
        try {
            Connection c = store.writerSession();
            // The replay's statements each in their own transaction: a starting JVM may pause between them for longer
            // than idle_in_transaction_session_timeout; the fence is read first, so the history read after it is complete.
            c.setAutoCommit(true);
            store.catchUp(c, Fence.read(c, false));
            c.setAutoCommit(false);
            if (store.state.size() == 0) {
                throw new StoreException("the library in " + db.url() + " has no books yet: create it with `shelf init --count N`"
                        + " (with store=postgresql in nodes.properties) or copy a file library with `shelf store copy`");
            }
            log.info("{}: library {} opened: {} books, {} history records, highest token {}", who, db.url(),
                    store.state.size(), store.state.lastSeq(), store.state.highestToken());
        } catch (SQLException e) {
            store.close();
            throw db.failed("opening the library", e);
        } catch (StoreException e) {
            store.close();
            throw e;
        } finally {
            store.writers.unlock();
        }
        return store;
    }

    @Override
    public List<Outcome> append(FencingToken token, int node, List<Command> commands) throws StaleTokenException, StoreException {
        writers.lock();
        try {
            Connection c = writerSession();
            try {
                return appendIn(c, token, node, commands);
            } catch (SQLException e) {
                lostTransaction(c);
                throw db.failed("the batch was not committed (a retry with the same request ids is safe)", e);
            } catch (StaleTokenException e) {
                rollbackQuietly(c); // refused before anything was decided: the state is still the database's
                throw e;
            } catch (RuntimeException e) {
                lostTransaction(c);
                throw e;
            }
        } finally {
            writers.unlock();
        }
    }

    /** The batch's transaction (see the class comment); on any exception the caller rolls back. */
    private List<Outcome> appendIn(Connection c, FencingToken token, int node, List<Command> commands)
            throws SQLException, StaleTokenException, StoreException {
        Fence fence = Fence.read(c, true);
        if (LibraryState.fencedOff(token, node, fence.token(), fence.node())) {
            throw new StaleTokenException(token, fence.token());
        }
        catchUp(c, fence);
        LibraryState.Appended appended = state.append(token, node, commands, clock.instant(), loanDays);
        HistoryRows.insert(c, appended.records());
        updateBooks(c, appended.records());
        Fence.advance(c, token, node, state.lastSeq());
        c.commit();
        return appended.outcomes();
    }

    /** After a failed transaction: rolled back, the state to be replayed, and the session dropped if it is broken. */
    private void lostTransaction(Connection c) {
        state = null;
        try {
            c.rollback();
            if (c.isValid(1)) {
                return;
            }
        } catch (SQLException e) {
            log.debug("{}: rollback: {}", who, e.getMessage());
        }
        Sessions.closeQuietly(c);
        writer = null;
    }

    private void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            lostTransaction(c);
        }
    }

    /** The commit is durable (PostgreSQL's WAL is flushed before it returns): nothing is left to do. */
    @Override
    public void sync() {
    }

    @Override
    public List<Book> books() throws StoreException {
        return readers.query("reading the books", "SELECT id, title, author, borrower, due FROM books ORDER BY id",
                ps -> { }, PostgresLibraryStore::book);
    }

    @Override
    public List<Book> loansOf(String user) throws StoreException {
        return readers.query("reading " + user + "'s loans",
                "SELECT id, title, author, borrower, due FROM books WHERE borrower = ? ORDER BY id",
                ps -> ps.setString(1, user), PostgresLibraryStore::book);
    }

    @Override
    public List<HistoryRecord> history(Integer bookId) throws StoreException {
        String where = bookId == null ? "" : " WHERE book_id = ?";
        return readers.query("reading the history", "SELECT " + HISTORY_COLUMNS + " FROM history" + where + " ORDER BY seq",
                ps -> {
                    if (bookId != null) {
                        ps.setInt(1, bookId);
                    }
                }, HistoryRows::read);
    }

    @Override
    public Page<HistoryRecord> historyPage(Integer bookId, long afterSeq, int limit) throws StoreException {
        String where = bookId == null ? "" : " AND book_id = ?";
        List<HistoryRecord> records = readers.query("reading the history",
                "SELECT " + HISTORY_COLUMNS + " FROM history WHERE seq > ?" + where + " ORDER BY seq LIMIT ?", ps -> {
                    int i = 1;
                    ps.setLong(i++, afterSeq);
                    if (bookId != null) {
                        ps.setInt(i++, bookId);
                    }
                    ps.setInt(i, limit + 1); // one more than asked: whether more follow
                }, HistoryRows::read);
        return Page.first(records, limit);
    }

    @Override
    public Page<Book> booksPage(int afterId, int limit) throws StoreException {
        List<Book> books = readers.query("reading the books",
                "SELECT id, title, author, borrower, due FROM books WHERE id > ? ORDER BY id LIMIT ?", ps -> {
                    ps.setInt(1, afterId);
                    ps.setInt(2, limit + 1);
                }, PostgresLibraryStore::book);
        return Page.first(books, limit);
    }

    @Override
    public FencingToken highestToken() throws StoreException {
        List<FencingToken> token = readers.query("reading the fence", "SELECT token_epoch, token_counter FROM fence",
                ps -> { }, rs -> new FencingToken(rs.getLong(1), rs.getLong(2)));
        return token.isEmpty() ? FencingToken.NONE : token.get(0);
    }

    @Override
    public void close() {
        writers.lock();
        try {
            if (writer != null) {
                Sessions.closeQuietly(writer);
                writer = null;
            }
        } finally {
            writers.unlock();
        }
        readers.close();
    }

    // ---- following the history ----

    private Connection writerSession() throws StoreException {
        if (writer == null) {
            try {
                writer = db.connect();
            } catch (SQLException e) {
                throw db.failed("cannot connect", e);
            }
        }
        return writer;
    }

    /**
     * Brings the state up to the fence: applies the history rows written since it last looked, or replays the whole
     * history when it has none yet or the library was created afresh. Called under the writers' lock.
     */
    private void catchUp(Connection c, Fence fence) throws SQLException, StoreException {
        if (state == null || !fence.library().equals(library) || fence.lastSeq() < state.lastSeq()) {
            if (state != null) {
                log.warn("{}: the library in {} was created afresh; replaying it from the start", who, db.url());
            }
            state = new LibraryState(HistoryRows.catalog(c));
            library = fence.library();
        }
        if (fence.lastSeq() == state.lastSeq()) {
            return; // every write advances the fence's last record in its transaction: nothing new (one round trip saved)
        }
        String sql = "SELECT " + HISTORY_COLUMNS + " FROM history WHERE seq > ? ORDER BY seq";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, state.lastSeq());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    HistoryRecord r = HistoryRows.read(rs);
                    try {
                        state.apply(r);
                    } catch (IllegalStateException e) {
                        state = null;
                        throw new LibraryCorruptException(db.url() + " history: " + e.getMessage());
                    }
                }
            }
        }
    }

    private void updateBooks(Connection c, List<HistoryRecord> records) throws SQLException {
        Set<Integer> changed = new LinkedHashSet<>();
        records.forEach(r -> changed.add(r.bookId()));
        if (changed.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE books SET borrower = ?, due = ? WHERE id = ?")) {
            for (int id : changed) {
                Book b = state.book(id);
                ps.setString(1, b.borrower());
                ps.setObject(2, b.due());
                ps.setInt(3, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static Book book(ResultSet rs) throws SQLException {
        return new Book(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4) == null, rs.getString(4),
                rs.getObject(5, java.time.LocalDate.class));
    }
}
