package shelf.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import shelf.fencing.FencingToken;
import shelf.library.CatalogEntry;
import shelf.library.HistoryRecord;
import shelf.library.Op;

/** How a {@link HistoryRecord} and a {@link CatalogEntry} are rows of the {@code history} and {@code books} tables. */
final class HistoryRows {
    /** The history table's columns, in the order {@link #read} reads and {@link #bind} binds them. */
    static final String COLUMNS = "seq, time, op, book_id, username, node, token_epoch, token_counter, due, request_id";
    private static final int BATCH = 1_000;

    private HistoryRows() {
    }

    /** Inserts the records, in order, in the connection's transaction. */
    static void insert(Connection c, List<HistoryRecord> records) throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        String sql = "INSERT INTO history (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int n = 0;
            for (HistoryRecord r : records) {
                bind(ps, r);
                ps.addBatch();
                if (++n % BATCH == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /** A record from a row of the ten history columns, in table order ({@code seq, time, op, …, due, request_id}). */
    static HistoryRecord read(ResultSet rs) throws SQLException {
        return new HistoryRecord(rs.getLong(1), rs.getTimestamp(2).toInstant(), Op.valueOf(rs.getString(3)), rs.getInt(4),
                rs.getString(5), rs.getInt(6), new FencingToken(rs.getLong(7), rs.getLong(8)),
                rs.getObject(9, LocalDate.class), rs.getString(10));
    }

    /** Binds the ten columns in the order {@link #read} reads them. */
    static void bind(PreparedStatement ps, HistoryRecord r) throws SQLException {
        ps.setLong(1, r.seq());
        ps.setTimestamp(2, Timestamp.from(r.time()));
        ps.setString(3, r.op().name());
        ps.setInt(4, r.bookId());
        ps.setString(5, r.user());
        ps.setInt(6, r.node());
        ps.setLong(7, r.token().epoch());
        ps.setLong(8, r.token().counter());
        ps.setObject(9, r.due());
        ps.setString(10, r.requestId());
    }

    /** The catalogue: every book's id, title and author, by id. */
    static List<CatalogEntry> catalog(Connection c) throws SQLException {
        List<CatalogEntry> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, title, author FROM books ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                entries.add(new CatalogEntry(rs.getInt(1), rs.getString(2), rs.getString(3)));
            }
        }
        return entries;
    }
}
