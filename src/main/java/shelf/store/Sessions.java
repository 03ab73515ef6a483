package shelf.store;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import shelf.library.StoreException;
import shelf.util.Throwables;

/**
 * The readers' sessions: a few kept open between queries, more opened when many read at once. A query that fails
 * drops its session (the database may have restarted), so the next one connects afresh; on a kept session it is tried
 * once more on a new one, unless it timed out (a silent database would keep the new one waiting as long). Thread-safe.
 */
final class Sessions implements AutoCloseable {
    private static final int KEPT = 4;

    private final Database db;
    private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(KEPT);

    Sessions(Database db) {
        this.db = db;
    }

    /** Sets a statement's parameters. */
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Turns the current row into a value. */
    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * Runs one read-only query and returns its rows; {@code doing} names it in the error. A kept session that fails (the
     * database restarted since it was opened) is dropped and the query tried once more on a new one.
     */
    <T> List<T> query(String doing, String sql, Binder binder, RowReader<T> reader) throws StoreException {
        Connection kept = idle.poll();
        if (kept != null) {
            try {
                return query(kept, sql, binder, reader);
            } catch (SQLException e) {
                closeQuietly(kept);
                if (timedOut(e)) { // a database that says nothing: a new session would wait as long again to log in
                    throw db.failed(doing, e);
                }
            }
        }
        Connection c = null;
        try {
            c = db.connect();
            return query(c, sql, binder, reader);
        } catch (SQLException e) {
            if (c != null) {
                closeQuietly(c);
            }
            throw db.failed(doing, e);
        }
    }

    /** The query on {@code c}, which goes back to the kept sessions afterwards. */
    private <T> List<T> query(Connection c, String sql, Binder binder, RowReader<T> reader) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
            }
        }
        c.rollback();
        give(c);
        return rows;
    }

    /** Whether {@code e} is a read that got no answer in time (the socket timeout), not a session the database ended. */
    static boolean timedOut(SQLException e) {
        return Throwables.anyCause(e, SocketTimeoutException.class::isInstance);
    }


    private void give(Connection c) {
        if (!idle.offer(c)) {
            closeQuietly(c);
        }
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // already broken: nothing to release
        }
    }

    @Override
    public void close() {
        Connection c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }
}
