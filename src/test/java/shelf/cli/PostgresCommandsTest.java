package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.cluster.LocalCluster;
import shelf.config.ClusterConfig;
import shelf.fencing.FencingToken;
import shelf.library.AccessRefusedException;
import shelf.library.Command;
import shelf.library.FileLibraryStore;
import shelf.library.FileUserDirectory;
import shelf.library.LibraryFiles;
import shelf.library.LibraryStore;
import shelf.library.Op;
import shelf.library.SampleCatalog;
import shelf.library.StoreException;
import shelf.library.UserAuthentication;
import shelf.library.UserCredential;
import shelf.library.UserDirectory;
import shelf.store.Database;
import shelf.store.EmbeddedDatabase;
import shelf.store.Stores;
import shelf.util.ExitCodes;

/** {@code init} and {@code store copy} with {@code store=postgresql}: the library goes into the database. */
class PostgresCommandsTest {
    @TempDir
    static Path dataDir;
    private static EmbeddedDatabase server;
    /** The one node of these configurations, on a free port: the commands refuse to run while a node answers there. */
    private static String node;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() throws Exception {
        server = EmbeddedDatabase.start(dataDir.resolve("pg"), 0);
        node = "node.1=127.0.0.1:" + LocalCluster.freePorts(1).get(0);
    }

    @AfterAll
    static void stopPostgres() throws StoreException {
        server.close();
    }

    private Path config() throws Exception {
        return Files.write(dir.resolve("nodes.properties"), List.of(node, "tls=off", "store=postgresql",
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
    void usersInTheDatabaseAreSeenByEveryNodeAtOnceAndARemovedUsersSessionEnds() throws Exception {
        Path config = Files.write(dir.resolve("users.properties"), List.of(node, "tls=off",
                "store=postgresql", "store.url=" + server.storeConfig().url(), "store.user=" + server.storeConfig().user(),
                "users=postgresql"));
        UsersCommand add = new UsersCommand();
        add.env = Map.of("PIN", "2468");
        add.iterations = 1_000;
        assertEquals(ExitCodes.OK, Cli.run(add, "add", "ann", "--pin-env", "PIN", "--config", config.toString()));
        assertEquals(ExitCodes.REFUSED, Cli.run(add, "add", "ann", "--pin-env", "PIN", "--config", config.toString()),
                "ann is already a user");
        ClusterConfig cluster = ClusterConfig.load(config);
        // two nodes, each with its own sessions to the database, as on two hosts
        UserAuthentication one = new UserAuthentication(Stores.users(cluster, new SecureRandom()).orElseThrow(),
                Clock.systemUTC());
        UserAuthentication two = new UserAuthentication(Stores.users(cluster, new SecureRandom()).orElseThrow(),
                Clock.systemUTC());
        String ticket = one.login("ann", "2468".toCharArray());
        two.authorize(ticket, "ann"); // a ticket from one node is good at the other after a failover
        assertThrows(AccessRefusedException.class, () -> two.login("ann", "1111".toCharArray()));
        assertEquals(ExitCodes.OK, Cli.run(new UsersCommand(), "remove", "ann", "--config", config.toString()));
        AccessRefusedException gone = assertThrows(AccessRefusedException.class, () -> two.authorize(ticket, "ann"));
        assertEquals("ann is not a library user any more", gone.getMessage());
        assertEquals(ExitCodes.REFUSED, Cli.run(new UsersCommand(), "remove", "ann", "--config", config.toString()));
    }

    @Test
    void usersInTheDatabaseNeedTheLibraryThereAndEveryEntryIsCheckedBeforeItIsBelieved() throws Exception {
        Path fileStore = Files.write(dir.resolve("file.properties"), List.of(node, "users=postgresql"));
        StoreException e = assertThrows(StoreException.class,
                () -> Stores.users(ClusterConfig.load(fileStore), new SecureRandom()));
        assertTrue(e.getMessage().endsWith("users=postgresql keeps the users in the library's database: it needs"
                + " store=postgresql (or a users file: users.file=FILE)"), e.getMessage());
        assertEquals(ExitCodes.REFUSED, Cli.run(new UsersCommand(), "list", "--config", fileStore.toString()));
        Path down = Files.write(dir.resolve("down.properties"), List.of(node, "tls=off", "store=postgresql",
                "store.url=jdbc:postgresql://127.0.0.1:" + LocalCluster.freePorts(1).get(0) + "/shelf", "store.user=shelf",
                "users=postgresql"));
        assertEquals(ExitCodes.UNAVAILABLE, Cli.run(new UsersCommand(), "list", "--config", down.toString()),
                "a database that is not there: try again later");

        Path config = Files.write(dir.resolve("users.properties"), List.of(node, "tls=off",
                "store=postgresql", "store.url=" + server.storeConfig().url(), "store.user=" + server.storeConfig().user(),
                "users=postgresql"));
        UserDirectory users = Stores.users(ClusterConfig.load(config), new SecureRandom()).orElseThrow();
        users.add(UserCredential.create("cat", "2468".toCharArray(), new SecureRandom(), 1_000));
        try (Connection c = Database.trusting(server.storeConfig(), 1_000).connect();
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE users SET iterations = 2000000000 WHERE name = 'cat'"); // a PIN check of hours
            c.commit();
        }
        StoreException forged = assertThrows(StoreException.class, () -> users.find("cat"));
        assertTrue(forged.getMessage().endsWith("user cat is not a valid entry: iterations must be between 1 and 10000000"),
                forged.getMessage());
        assertTrue(users.remove("cat"));
    }

    @Test
    void storeCopyBringsTheUsersFileAlongWhenTheUsersMoveToTheDatabaseTheirPinsUnchanged() throws Exception {
        Path files = dir.resolve("resources");
        new LibraryFiles(files).create(SampleCatalog.books(3));
        FileUserDirectory file = new FileUserDirectory(files.resolve("users.json"), new SecureRandom());
        file.add(UserCredential.create("dee", "2468".toCharArray(), new SecureRandom(), 1_000));
        file.add(UserCredential.create("eve", "1357".toCharArray(), new SecureRandom(), 1_000));
        Path noUsers = config();
        assertEquals(ExitCodes.USAGE, Cli.run(new StoreCommand(), "copy", "--force", "--from", files.toString(), "--users",
                files.resolve("users.json").toString(), "--config", noUsers.toString()), "no users=postgresql to copy into");
        Path config = Files.write(dir.resolve("users.properties"), List.of(node, "tls=off",
                "store=postgresql", "store.url=" + server.storeConfig().url(), "store.user=" + server.storeConfig().user(),
                "users=postgresql"));
        assertEquals(ExitCodes.OK, Cli.run(new StoreCommand(), "copy", "--force", "--from", files.toString(), "--config",
                config.toString()));
        UserDirectory copied = Stores.users(ClusterConfig.load(config), new SecureRandom()).orElseThrow();
        assertEquals(List.of("dee", "eve"), copied.names().stream().filter(n -> n.equals("dee") || n.equals("eve")).toList());
        assertEquals(file.find("eve").orElseThrow(), copied.find("eve").orElseThrow(), "the PIN hash as it was");
        new UserAuthentication(copied, Clock.systemUTC()).login("dee", "2468".toCharArray());
        copied.remove("dee");
        copied.remove("eve");
    }

    @Test
    void storeCopyWithoutAPostgresqlStoreIsAUsageError() throws Exception {
        Path config = Files.write(dir.resolve("nodes.properties"), List.of(node));
        assertEquals(ExitCodes.USAGE, Cli.run(new StoreCommand(), "copy", "--config", config.toString()));
    }
}
