package shelf.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import shelf.fencing.FencingToken;

/**
 * The fence row: the highest token the library accepted, from which node, the last history record, and which creation
 * of the library this is. Every write takes it {@code FOR UPDATE} first and advances it last, in one transaction.
 */
record Fence(FencingToken token, int node, long lastSeq, String library) {

    /** Reads the fence; {@code forUpdate} locks it until the transaction ends (waiting at most the session's lock_timeout). */
    static Fence read(Connection c, boolean forUpdate) throws SQLException {
        String sql = "SELECT token_epoch, token_counter, node, last_seq, library FROM fence WHERE id = 1"
                + (forUpdate ? " FOR UPDATE" : "");
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the fence row is missing: the schema was changed by hand");
            }
            return new Fence(new FencingToken(rs.getLong(1), rs.getLong(2)), rs.getInt(3), rs.getLong(4), rs.getString(5));
        }
    }

    /** Advances the fence to {@code token} of {@code node}; the database's trigger refuses to lower it. */
    static void advance(Connection c, FencingToken token, int node, long lastSeq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE fence SET token_epoch = ?, token_counter = ?, node = ?, last_seq = ? WHERE id = 1")) {
            ps.setLong(1, token.epoch());
            ps.setLong(2, token.counter());
            ps.setInt(3, node);
            ps.setLong(4, lastSeq);
            ps.executeUpdate();
        }
    }
}
