package shelf.rmi;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import shelf.api.AdminService;
import shelf.api.LibraryService;
import shelf.cluster.LocalCluster;
import shelf.config.ClusterConfig;
import shelf.library.AccessRefusedException;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.FileUserDirectory;
import shelf.library.LibraryFiles;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.library.SampleCatalog;
import shelf.library.UserCredential;
import shelf.lock.LockPhase;
import shelf.server.ShelfNode;
import shelf.tls.Role;
import shelf.tls.TlsFiles;

/**
 * One node with user authentication on ({@code users.file}), over real RMI: a change goes through only with a session
 * ticket of its own user; anything else is refused before it is queued, so nothing is applied.
 */
class UserAuthenticationRmiTest {
    @TempDir
    Path dir;
    private ShelfNode node;
    private LibraryService library;

    @BeforeEach
    void startNode() throws Exception {
        int port = LocalCluster.freePorts(1).get(0);
        Path users = dir.resolve("users.json");
        ClusterConfig config = ClusterConfig.parse(List.of("node.1=127.0.0.1:" + port, "users.file=" + users), "test.properties");
        FileUserDirectory directory = new FileUserDirectory(users, new SecureRandom());
        directory.add(UserCredential.create("alice", "2468".toCharArray(), new SecureRandom(), 1_000));
        directory.add(UserCredential.create("bob", "1357".toCharArray(), new SecureRandom(), 1_000));
        new LibraryFiles(dir).create(SampleCatalog.books(10));
        TlsFiles.under(dir).ensureLocalCluster(config);
        node = ShelfNode.start(config, 1, dir);
        RmiServer.useClientTimeouts(config); // a client's read timeout (the node set the peers' shorter ones for this JVM)
        Credentials.use(TlsFiles.under(dir).load(Role.ADMIN, 0)); // the operator's key: LibraryService and status
        var registry = LocateRegistry.getRegistry("127.0.0.1", port, Credentials.sockets());
        library = (LibraryService) registry.lookup(LibraryService.NAME);
        AdminService admin = (AdminService) registry.lookup(AdminService.NAME);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.status().lock().phase() == LockPhase.SERVING);
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static Command command(Op op, int book, String user) {
        return new Command(UUID.randomUUID().toString(), op, book, user);
    }

    private static String refused(Executable call) {
        return assertThrows(AccessRefusedException.class, call).getMessage();
    }

    @Test
    void aChangeGoesThroughOnlyWithATicketOfItsOwnUser() throws Exception {
        assertTrue(library.authenticationRequired());
        String alice = library.login("alice", "2468");

        Command bobs = command(Op.BORROW, 3, "bob");
        assertEquals("the session of alice cannot act for bob", refused(() -> library.execute(bobs, alice)));
        assertEquals("user authentication is on: log in first", refused(() -> library.execute(bobs, null)));
        assertEquals("user authentication is on: log in first", refused(() -> library.execute(bobs)));
        assertEquals("not a session ticket; log in again", refused(() -> library.execute(bobs, "bob")));
        String forged = "bob" + alice.substring("alice".length());
        assertTrue(refused(() -> library.execute(bobs, forged)).contains("is not valid"));
        assertEquals(List.of(), library.history(null), "nothing was applied");
        assertTrue(library.list().stream().allMatch(Book::available));

        Outcome borrowed = library.execute(command(Op.BORROW, 3, "alice"), alice);
        assertTrue(borrowed.ok(), borrowed.message());
        assertEquals("alice", library.history(null).get(0).user());
    }

    @Test
    void loansAreOnlyForTheTicketsOwnUser() throws Exception {
        String alice = library.login("alice", "2468");
        assertTrue(library.execute(command(Op.BORROW, 5, "alice"), alice).ok());
        assertEquals(List.of(5), library.loans("alice", alice).stream().map(Book::id).toList());
        assertEquals("the session of alice cannot act for bob", refused(() -> library.loans("bob", alice)));
        assertEquals("user authentication is on: log in first", refused(() -> library.loans("alice")));
    }

    @Test
    void aWrongPinGetsNoTicketAndListAndHistoryStayOpen() throws Exception {
        assertEquals("wrong PIN for alice, or no such user", refused(() -> library.login("alice", "1357")));
        assertEquals("wrong PIN for carol, or no such user", refused(() -> library.login("carol", "1357")));
        assertEquals(10, library.list().size());
        assertEquals(List.of(), library.history(null));
        String bob = library.login("bob", "1357");
        assertFalse(bob.contains("1357"));
        assertTrue(library.execute(command(Op.BORROW, 1, "bob"), bob).ok());
    }
}
