package shelf.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.library.StoreException;

/**
 * The embedded server a killed {@code cluster} leaves behind: found by its folder, stopped, and the folder usable again;
 * and the frozen server of {@code chaos}.
 */
class EmbeddedDatabaseTest {
    @Test
    void aServerLeftRunningOnTheFolderIsStoppedAndANewOneStartsOnTheSameData(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgresql");
        EmbeddedDatabase left = EmbeddedDatabase.start(data, 0);
        try (Connection c = DriverManager.getConnection(left.storeConfig().url(), EmbeddedDatabase.USER, "")) {
            c.createStatement().execute("CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)");
        }
        // Nobody closes it, as when the cluster process that started it is killed with kill -9.

        Optional<Long> stopped = EmbeddedDatabase.stopLeftOver(data, 10_000);
        assertTrue(stopped.isPresent(), "the server of this folder was running");
        assertFalse(ProcessHandle.of(stopped.get()).map(ProcessHandle::isAlive).orElse(false), "and has ended");
        assertEquals(Optional.empty(), EmbeddedDatabase.stopLeftOver(data, 10_000), "nothing left to stop");
        try {
            left.close(); // only to release the folder's lock, which a killed process's kernel releases by itself
        } catch (StoreException e) {
            // its server is gone already
        }

        try (EmbeddedDatabase again = EmbeddedDatabase.start(data, 0);
             Connection c = DriverManager.getConnection(again.storeConfig().url(), EmbeddedDatabase.USER, "")) {
            ResultSet rows = c.createStatement().executeQuery("SELECT n FROM kept");
            assertTrue(rows.next());
            assertEquals(42, rows.getInt(1), "the committed data is kept");
        }
    }

    @Test
    void aPidFileNamingAnotherProgramStopsNothing(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("postgresql"));
        long self = ProcessHandle.current().pid(); // alive, but no PostgreSQL of this folder
        Files.writeString(data.resolve("postmaster.pid"), self + "\n" + data + "\n");
        assertEquals(Optional.empty(), EmbeddedDatabase.stopLeftOver(data, 1_000));
        Files.writeString(data.resolve("postmaster.pid"), "not a pid\n");
        assertEquals(Optional.empty(), EmbeddedDatabase.stopLeftOver(data, 1_000));
        assertTrue(ProcessHandle.current().isAlive());
    }

    @Test
    void aFrozenServerKeepsItsConnectionsButAnswersNothingUntilItIsThawed(@TempDir Path dir) throws Exception {
        try (EmbeddedDatabase server = EmbeddedDatabase.start(dir.resolve("postgresql"), 0)) {
            Database db = Database.trusting(server.storeConfig(), 1_000);
            Sessions readers = new Sessions(db);
            assertEquals(List.of(1), readers.query("probing", "SELECT 1", ps -> { }, rs -> rs.getInt(1)), "a kept session");
            try (Connection open = db.connect()) {
                server.freeze();
                try {
                    StoreException e = assertThrows(StoreException.class, db::migrate, "a new session cannot log in");
                    assertTrue(Database.unreachable(e), e.getMessage());
                    StoreException read = assertThrows(StoreException.class,
                            () -> readers.query("probing", "SELECT 1", ps -> { }, rs -> rs.getInt(1)));
                    assertTrue(Sessions.timedOut((SQLException) read.getCause()),
                            "the kept session's timeout, not a new session's login after it: " + read.getMessage());
                    assertThrows(SQLException.class, () -> open.createStatement().executeQuery("SELECT 1"),
                            "an open session gets no answer within its socket timeout");
                } finally {
                    server.thaw();
                }
            }
            db.migrate(); // answers again
            readers.close();
        }
    }
}
