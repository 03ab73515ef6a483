package shelf.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import shelf.config.StoreConfig;
import shelf.fencing.FencingToken;
import shelf.library.CatalogEntry;
import shelf.library.FileLibraryStore;
import shelf.library.HistoryRecord;
import shelf.library.LibraryFiles;
import shelf.library.LibraryStore;
import shelf.library.LibraryStoreContract;
import shelf.library.Op;
import shelf.library.SampleCatalog;
import shelf.library.StaleTokenException;
import shelf.library.StoreException;

/** The store contract on PostgreSQL (one embedded server for the class), and what only the database store does. */
class PostgresLibraryStoreTest extends LibraryStoreContract {
    /** The cluster lock's lease the sessions are bounded by: the idle and lock timeouts are half of it. */
    private static final long LEASE_MS = 1_000;

    @TempDir
    static Path dataDir;
    private static EmbeddedDatabase server;
    private static Database db;

    @BeforeAll
    static void startPostgres() throws StoreException {
        server = EmbeddedDatabase.start(dataDir.resolve("pg"), 0);
        db = Database.trusting(server.storeConfig(), LEASE_MS);
    }

    @AfterAll
    static void stopPostgres() throws StoreException {
        server.close();
    }

    @Override
    protected void createLibrary(List<CatalogEntry> catalog) throws Exception {
        PostgresLibrary.create(db, catalog, List.of());
    }

    @Override
    protected LibraryStore openStore(Clock clock) throws Exception {
        return PostgresLibraryStore.open(db, clock, 14, "test");
    }

    /**
     * A row lock has no lease: a holder paused inside its transaction, the fence row locked, would block every later
     * holder. Its session is ended once it has been idle for half the lease, so the next holder, who gets the cluster
     * lock only after the paused one's lease ran out, writes; the paused one's transaction is gone.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aHolderPausedInsideItsTransactionDoesNotBlockTheNextPastItsLease() throws Exception {
        LibraryStore next = node();
        try (Connection paused = db.connect(); Statement s = paused.createStatement()) {
            s.execute("SELECT * FROM fence FOR UPDATE");
            s.execute("UPDATE books SET borrower = 'paused', due = current_date WHERE id = 1");
            Thread.sleep(LEASE_MS); // the lock server waits out the paused holder's lease before granting the lock again
            assertTrue(next.apply(new FencingToken(1, 2), 2, List.of(cmd(Op.BORROW, 1, "bob"))).get(0).ok());
            assertThrows(SQLException.class, paused::commit, "the paused holder's session was ended");
        }
        assertEquals("bob", next.books().get(0).borrower());
    }

    @Test
    void theDatabaseRefusesToLowerTheFenceWhoeverAsks() throws Exception {
        node().apply(new FencingToken(5, 1), 1, List.of(cmd(Op.BORROW, 1, "alice")));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            SQLException lower = assertThrows(SQLException.class,
                    () -> s.execute("UPDATE fence SET token_epoch = 4, token_counter = 9, node = 2"));
            assertEquals("SH001", lower.getSQLState());
            c.rollback();
            SQLException sameTokenOtherNode = assertThrows(SQLException.class, () -> s.execute("UPDATE fence SET node = 2"));
            assertEquals("SH001", sameTokenOtherNode.getSQLState());
        }
    }

    @Test
    void aNodeStoppedBetweenAppendAndCommitLeavesNothingAndItsRetryAppliesOnce() throws Exception {
        var borrow = cmd(Op.BORROW, 2, "alice");
        try (Connection dying = db.connect(); Statement s = dying.createStatement()) {
            s.execute("SELECT * FROM fence FOR UPDATE");
            s.execute("INSERT INTO history VALUES (1, now(), 'BORROW', 2, 'alice', 1, 1, 1, current_date, '"
                    + borrow.requestId() + "')");
            // the connection closes here without a commit: the node died
        }
        LibraryStore other = node();
        assertEquals(List.of(), other.history(null));
        assertEquals("alice borrowed book 2, due 2026-12-08",
                other.apply(new FencingToken(1, 2), 2, List.of(borrow)).get(0).message());
        assertEquals(1, other.history(null).size());
    }

    /** {@code store copy}: a file library's catalogue and whole history, tokens kept; the fence starts at its last token. */
    @Test
    void aCopiedFileLibraryKeepsItsHistoryAndTokensAndFencesOffOlderTokens(@TempDir Path folder) throws Exception {
        new LibraryFiles(folder).create(SampleCatalog.books(10));
        List<HistoryRecord> history;
        try (LibraryStore files = FileLibraryStore.open(folder, CLOCK, 14, "file")) {
            files.apply(new FencingToken(3, 7), 2, List.of(cmd(Op.BORROW, 4, "alice"), cmd(Op.BORROW, 5, "bob")));
            files.apply(new FencingToken(4, 1), 5, List.of(cmd(Op.RETURN, 4, "alice")));
            history = files.history(null);
        }
        PostgresLibrary.create(db, new LibraryFiles(folder).readCatalog(), history);
        LibraryStore copied = node();
        assertEquals(history, copied.history(null));
        assertEquals(new FencingToken(4, 1), copied.highestToken());
        assertEquals("bob", copied.books().get(4).borrower());
        assertThrows(StaleTokenException.class,
                () -> copied.apply(new FencingToken(4, 0), 1, List.of(cmd(Op.BORROW, 1, "carol"))));
        assertTrue(copied.apply(new FencingToken(4, 2), 1, List.of(cmd(Op.BORROW, 1, "carol"))).get(0).ok());
    }

    @Test
    void theSchemaVersionNodesCheckIsTheNewestMigration() throws Exception {
        Path migrations = Path.of(Database.class.getResource("/db/migration/shelf").toURI());
        try (var files = Files.list(migrations)) {
            String newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__"))).max(java.util.Comparator.comparingInt(Integer::parseInt))
                    .orElseThrow();
            assertEquals(newest, Database.SCHEMA_VERSION);
        }
    }

    @Test
    void aPasswordFileOthersMayReadIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("db.password"), "secret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        StoreConfig config = new StoreConfig(StoreConfig.Kind.POSTGRESQL, "jdbc:postgresql://127.0.0.1:1/x", "shelf", file,
                StoreConfig.DEFAULT_PASSWORD_ENV);
        StoreException e = assertThrows(StoreException.class, () -> Database.of(config, LEASE_MS));
        assertEquals(file + ": the database password file may be read by others; chmod 600 " + file, e.getMessage());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Database.of(config, LEASE_MS);
    }

    /**
     * The database stops and starts again: a write meanwhile fails at once with a StoreException that names the database
     * (no hang, nothing applied), and the same store serves again once it is back, nothing acknowledged lost.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void whileTheDatabaseIsDownWritesFailAndTheStoreResumesWhenItIsBack() throws Exception {
        LibraryStore store = node();
        store.apply(new FencingToken(1, 1), 1, List.of(cmd(Op.BORROW, 1, "alice")));
        int port = server.port();
        server.close();
        try {
            StoreException down = assertThrows(StoreException.class,
                    () -> store.apply(new FencingToken(1, 2), 1, List.of(cmd(Op.BORROW, 2, "alice"))));
            assertTrue(down.getMessage().startsWith("PostgreSQL " + db.url() + ": "), down.getMessage());
            assertThrows(StoreException.class, store::books);
        } finally {
            server = EmbeddedDatabase.start(dataDir.resolve("pg"), port);
        }
        assertTrue(store.apply(new FencingToken(1, 3), 1, List.of(cmd(Op.BORROW, 3, "alice"))).get(0).ok());
        assertEquals(List.of(1, 3), store.loansOf("alice").stream().map(b -> b.id()).toList());
        server.close();
        server = EmbeddedDatabase.start(dataDir.resolve("pg"), port);
        assertEquals("alice", store.books().get(0).borrower(), "a kept reader session from before the restart is replaced");
    }
}
