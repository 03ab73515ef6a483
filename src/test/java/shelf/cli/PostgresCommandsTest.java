package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.config.ClusterConfig;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.FileLibraryStore;
import shelf.library.LibraryFiles;
import shelf.library.LibraryStore;
import shelf.library.Op;
import shelf.library.SampleCatalog;
import shelf.library.StoreException;
import shelf.store.EmbeddedDatabase;
import shelf.store.Stores;
import shelf.util.ExitCodes;

/** {@code init} and {@code store copy} with {@code store=postgresql}: the library goes into the database. */
class PostgresCommandsTest {
    @TempDir
    static Path dataDir;
    private static EmbeddedDatabase server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() throws StoreException {
        server = EmbeddedDatabase.start(dataDir.resolve("pg"), 0);
    }

    @AfterAll
    static void stopPostgres() throws StoreException {
        server.close();
    }

    private Path config() throws Exception {
        return Files.write(dir.resolve("nodes.properties"), List.of("node.1=127.0.0.1:5001", "tls=off", "store=postgresql",
                "store.url=" + server.storeConfig().url(), "store.user=" + server.storeConfig().user()));
    }

    private LibraryStore open(Path config) throws Exception {
        return Stores.open(ClusterConfig.load(config), dir, Clock.systemUTC(), "test");
    }

    @Test
    void storeCopyMovesAFileLibraryWithItsHistoryAndTokensAndRefusesToReplaceLoans() throws Exception {
        Path config = config();
        Path files = dir.resolve("resources");
        new LibraryFiles(files).create(SampleCatalog.books(10));
        try (FileLibraryStore store = FileLibraryStore.open(files, Clock.systemUTC(), 14, "file")) {
            store.apply(new FencingToken(7, 3), 2, List.of(new Command(UUID.randomUUID().toString(), Op.BORROW, 4, "alice")));
        }
        String[] copy = {"copy", "--from", files.toString(), "--config", config.toString()};
        assertEquals(ExitCodes.OK, Cli.run(new StoreCommand(), copy));
        try (LibraryStore copied = open(config)) {
            assertEquals(new FencingToken(7, 3), copied.highestToken());
            assertEquals("alice", copied.books().get(3).borrower());
        }
        assertEquals(ExitCodes.REFUSED, Cli.run(new StoreCommand(), copy), "a library with loan records is not replaced");
        assertEquals(ExitCodes.REFUSED, Cli.run(new InitCommand(), "--count", "5", "--dir", files.toString(),
                "--config", config.toString()));
        assertEquals(ExitCodes.OK, Cli.run(new InitCommand(), "--count", "5", "--force", "--dir", files.toString(),
                "--config", config.toString()));
        try (LibraryStore fresh = open(config)) {
            assertEquals(5, fresh.books().size());
            assertEquals(List.of(), fresh.history(null));
        }
    }

    @Test
    void storeCopyWithoutAPostgresqlStoreIsAUsageError() throws Exception {
        Path config = Files.write(dir.resolve("nodes.properties"), List.of("node.1=127.0.0.1:5001"));
        assertEquals(ExitCodes.USAGE, Cli.run(new StoreCommand(), "copy", "--config", config.toString()));
    }
}
