package shelf.rmi;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.api.AdminService;
import shelf.api.LibraryService;
import shelf.api.NodeService;
import shelf.api.NodeStatus;
import shelf.cluster.LocalCluster;
import shelf.config.ClusterConfig;
import shelf.election.Role;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.LibraryFiles;
import shelf.library.LongHistory;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.library.Page;
import shelf.library.SampleCatalog;
import shelf.lock.LockPhase;
import shelf.node.NodeStartException;
import shelf.server.ShelfNode;
import shelf.tls.TlsFiles;

/** One node in this JVM with a real RMI registry on a free loopback port, driven through its stubs. */
class SingleNodeRmiTest {
    @TempDir
    Path dir;
    private ClusterConfig config;
    private ShelfNode node;
    private int port;

    @BeforeEach
    void startNode() throws Exception {
        port = LocalCluster.freePorts(1).get(0);
        config = ClusterConfig.parse(List.of("node.1=127.0.0.1:" + port), "test.properties");
        new LibraryFiles(dir).create(SampleCatalog.books(10));
        TlsFiles.under(dir).ensureLocalCluster(config);
        node = ShelfNode.start(config, 1, dir);
        RmiServer.useClientTimeouts(config); // an operator's timeouts (the node set its peers' shorter ones for this JVM)
        Credentials.use(TlsFiles.under(dir).load(shelf.tls.Role.ADMIN, 0)); // this test calls as the operator
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private Registry registry() throws Exception {
        return LocateRegistry.getRegistry("127.0.0.1", port, Credentials.sockets());
    }

    private static Command command(Op op, int book, String user) {
        return new Command(UUID.randomUUID().toString(), op, book, user);
    }

    @Test
    void pagesAreCheckedBeforeTheyAreBelievedAndCutToTheLargestPage() throws Exception {
        LibraryService library = (LibraryService) registry().lookup(LibraryService.NAME);
        assertEquals("afterSeq must be 0 or more, got -1",
                assertThrows(IllegalArgumentException.class, () -> library.history(null, -1, 10)).getMessage());
        assertEquals("limit must be 1 or more, got 0",
                assertThrows(IllegalArgumentException.class, () -> library.history(3, 0, 0)).getMessage());
        assertEquals("afterId must be 0 or more, got -1",
                assertThrows(IllegalArgumentException.class, () -> library.list(-1, 10)).getMessage());
        assertEquals("limit must be 1 or more, got -5",
                assertThrows(IllegalArgumentException.class, () -> library.list(0, -5)).getMessage());
        assertEquals(10, library.list(0, Integer.MAX_VALUE).items().size());
        assertFalse(library.history(null, Long.MAX_VALUE, Integer.MAX_VALUE).more());

        int records = LibraryService.MAX_WHOLE + 1_500;
        LongHistory.write(dir, records, 10); // the node follows the history's growth as if other nodes had written it
        Page<HistoryRecord> first = library.history(null, 0, Integer.MAX_VALUE);
        assertEquals(LibraryService.MAX_PAGE, first.items().size(), "a huge limit is cut to the node's largest page");
        assertTrue(first.more());
        Page<HistoryRecord> last = library.history(null, records - 500, Integer.MAX_VALUE);
        assertEquals(records, last.items().get(499).seq());
        assertFalse(last.more());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> library.history(null)).getMessage()
                .startsWith("the history has more than 10000 records, too many for one answer: read it in pages"));
        assertEquals(List.of(1), library.history(1, 0, 10).items().stream().map(HistoryRecord::bookId).distinct().toList(),
                "one book's history is paged too");
    }

    @Test
    void registryAndServicesShareTheNodesOnePort() throws Exception {
        assertEquals(List.of(AdminService.NAME, LibraryService.NAME, NodeService.NAME),
                List.of(registry().list()).stream().sorted().toList());
        String stub = registry().lookup(LibraryService.NAME).toString();
        assertTrue(stub.contains(":" + port + ","), stub);
    }

    @Test
    void aOneNodeClusterServesWritesUnderItsOwnLock() throws Exception {
        LibraryService library = (LibraryService) registry().lookup(LibraryService.NAME);
        AdminService admin = (AdminService) registry().lookup(AdminService.NAME);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.status().lock().phase() == LockPhase.SERVING);

        Outcome borrowed = library.execute(command(Op.BORROW, 3, "alice"));
        assertTrue(borrowed.ok(), borrowed.message());
        Outcome refused = library.execute(command(Op.BORROW, 3, "bob"));
        assertFalse(refused.ok());
        assertEquals("book 3 is already on loan", refused.message());
        assertTrue(library.execute(command(Op.RENEW, 3, "alice")).ok());
        assertTrue(library.execute(command(Op.RETURN, 3, "alice")).ok());

        List<HistoryRecord> history = library.history(3);
        assertEquals(List.of(Op.BORROW, Op.RENEW, Op.RETURN), history.stream().map(HistoryRecord::op).toList());
        NodeStatus status = admin.status();
        assertEquals(Role.COORDINATOR, status.role());
        assertEquals(1, status.coordinator());
        assertEquals(4, status.lock().grants(),
                "every operation, refused ones too, was decided under the lock, the coordinator's own too");
        assertTrue(history.stream().allMatch(r -> r.token().epoch() == status.epoch()));
    }

    @Test
    void theLockBenchmarksLoadAndAnOperatorsHoldRunOnTheCoordinatorItself() throws Exception {
        RmiServer.useClientTimeouts(config); // an operator's timeouts (the node set the peers' shorter ones for this JVM)
        AdminService admin = (AdminService) registry().lookup(AdminService.NAME);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.status().lock().phase() == LockPhase.SERVING);
        long[] cycles = admin.lockCycles(AdminService.MAX_CYCLES); // each cycle may complete on the calling thread
        assertEquals(AdminService.MAX_CYCLES, cycles.length);
        assertTrue(java.util.Arrays.stream(cycles).allMatch(ns -> ns > 0));
        assertTrue(admin.holdLock(0).contains("held the cluster lock for 0 ms"));
        assertEquals(AdminService.MAX_CYCLES + 1, admin.status().lock().grants());
    }

    @Test
    void badUserNamesAreRefusedByTheNode() throws Exception {
        LibraryService library = (LibraryService) registry().lookup(LibraryService.NAME);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> library.execute(command(Op.BORROW, 1, "../x")));
        assertTrue(e.getMessage().startsWith("invalid user name '../x'"), e.getMessage());
        assertEquals(10, library.list().size(), "the node keeps serving");
    }

    @Test
    void aSecondNodeOnTheSamePortIsAClearError(@TempDir Path other) throws Exception {
        new LibraryFiles(other).create(SampleCatalog.books(10));
        TlsFiles.under(other).ensureLocalCluster(config);
        NodeStartException e = assertThrows(NodeStartException.class, () -> ShelfNode.start(config, 1, other));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("port " + port + " on 127.0.0.1 is already in use"), e.getMessage());
        assertEquals(10, ((LibraryService) registry().lookup(LibraryService.NAME)).list().size());
    }

    @Test
    void anUnknownNodeIdIsAClearError() {
        NodeStartException e = assertThrows(NodeStartException.class, () -> ShelfNode.start(config, 7, dir));
        assertEquals(2, e.exitCode());
        assertEquals("node 7 is not in test.properties (configured ids: [1])", e.getMessage());
    }
}
