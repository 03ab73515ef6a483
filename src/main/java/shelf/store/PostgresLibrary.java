package shelf.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import shelf.fencing.FencingToken;
import shelf.library.Book;
import shelf.library.CatalogEntry;
import shelf.library.HistoryRecord;
import shelf.library.LibraryState;
import shelf.library.StoreException;

/**
 * Creating a library in PostgreSQL: a fresh catalogue ({@code init}), or a file library's catalogue and whole history,
 * tokens kept ({@code store copy}). One transaction: the nodes see the old library or the new one, never half.
 */
public final class PostgresLibrary {
    private PostgresLibrary() {
    }

    /** How many history records the library in {@code db} has (its schema is created if it has none yet). */
    public static long historyRecords(Database db) throws StoreException {
        return count(db, "history");
    }

    /** How many books the library in {@code db} has (0: none was created yet). */
    public static long books(Database db) throws StoreException {
        return count(db, "books");
    }

    private static long count(Database db, String table) throws StoreException {
        db.migrate();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw db.failed("counting the " + table, e);
        }
    }

    /**
     * Replaces the library in {@code db} with {@code catalog} and {@code history} (empty for a fresh library); the fence
     * starts at the last record's token. The history is replayed first, so one that breaks the rules is refused.
     *
     * @throws StoreException when the database fails, or the catalogue or history is not valid (nothing is changed)
     */
    public static void create(Database db, List<CatalogEntry> catalog, List<HistoryRecord> history) throws StoreException {
        LibraryState state;
        try {
            state = new LibraryState(catalog);
            history.forEach(state::apply);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new StoreException(e.getMessage(), e);
        }
        db.migrate();
        try (Connection c = db.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("LOCK TABLE fence IN ACCESS EXCLUSIVE MODE");
                s.execute("DELETE FROM history");
                s.execute("DELETE FROM books");
                s.execute("DELETE FROM fence");
            }
            insertBooks(c, state.books());
            HistoryRows.insert(c, history);
            HistoryRecord last = history.isEmpty() ? null : history.get(history.size() - 1);
            insertFence(c, last == null ? FencingToken.NONE : last.token(), last == null ? 0 : last.node(), state.lastSeq());
            c.commit();
        } catch (SQLException e) {
            throw db.failed("creating the library", e);
        }
    }

    private static void insertBooks(Connection c, List<Book> books) throws SQLException {
        String sql = "INSERT INTO books (id, title, author, borrower, due) VALUES (?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Book b : books) {
                ps.setInt(1, b.id());
                ps.setString(2, b.title());
                ps.setString(3, b.author());
                ps.setString(4, b.borrower());
                ps.setObject(5, b.due());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertFence(Connection c, FencingToken token, int node, long lastSeq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO fence VALUES (1, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, token.epoch());
            ps.setLong(2, token.counter());
            ps.setInt(3, node);
            ps.setLong(4, lastSeq);
            ps.setString(5, UUID.randomUUID().toString());
            ps.executeUpdate();
        }
    }
}
