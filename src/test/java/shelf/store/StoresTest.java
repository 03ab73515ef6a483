package shelf.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.config.ClusterConfig;
import shelf.library.LibraryStore;
import shelf.library.StoreException;

/** A node started while its library's database is down waits for it; any other failure ends the start at once. */
class StoresTest {
    private static StoreException down() {
        return new StoreException("PostgreSQL jdbc:postgresql://db:5432/shelf: cannot connect",
                new SQLException("Connection to db:5432 refused", "08001"));
    }

    @Test
    void anUnreachableDatabaseIsWaitedFor() throws Exception {
        LibraryStore store = mock(LibraryStore.class);
        AtomicInteger tries = new AtomicInteger();
        LibraryStore opened = Stores.waitFor(() -> {
            if (tries.incrementAndGet() < 3) {
                throw down();
            }
            return store;
        }, true, "node 1", 1);
        assertSame(store, opened);
        assertEquals(3, tries.get());
    }

    @Test
    void aRefusalOrAFileLibrarysProblemIsNotWaitedFor() {
        StoreException wrongPassword = new StoreException("password authentication failed",
                new SQLException("FATAL: password authentication failed for user \"shelf\"", "28P01"));
        AtomicInteger tries = new AtomicInteger();
        assertSame(wrongPassword, assertThrows(StoreException.class, () -> Stores.waitFor(() -> {
            tries.incrementAndGet();
            throw wrongPassword;
        }, true, "node 1", 1)));
        assertThrows(StoreException.class, () -> Stores.waitFor(() -> {
            tries.incrementAndGet();
            throw down();
        }, false, "node 1", 1), "a file library is never waited for");
        assertEquals(2, tries.get());
    }

    @Test
    void aStoppedEmbeddedDatabaseIsUnreachableNotRefusing(@TempDir Path dir) throws Exception {
        EmbeddedDatabase server = EmbeddedDatabase.start(dir.resolve("postgresql"), 0);
        ClusterConfig config = ClusterConfig.parse(List.of("node.1=127.0.0.1:1", "store=postgresql",
                "store.url=" + server.storeConfig().url(), "store.user=" + server.storeConfig().user()), "test");
        server.close();
        StoreException e = assertThrows(StoreException.class, () -> Stores.open(config, dir, Clock.systemUTC(), "node 1"));
        assertTrue(Database.unreachable(e), "a stopped database: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line for the log and the exit message: " + e.getMessage());
        assertFalse(Database.unreachable(new StoreException("no schema", new SQLException("relation missing", "42P01"))));
    }
}
