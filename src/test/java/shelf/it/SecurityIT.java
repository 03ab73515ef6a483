package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.AccessException;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import shelf.api.AdminService;
import shelf.api.LibraryService;
import shelf.api.NodeService;
import shelf.api.NodeStatus;
import shelf.config.NodeAddress;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.Op;
import shelf.protocol.Batch;
import shelf.protocol.Message;
import shelf.rmi.Stubs;
import shelf.rmi.TlsClientSocketFactory;
import shelf.tls.CertificateAuthority;
import shelf.tls.Identity;
import shelf.tls.KeyMaterial;
import shelf.tls.Role;
import shelf.tls.TlsFiles;

/**
 * The attacks that used to work against a node, each from this JVM against a real five-node cluster with TLS on: without
 * credentials (plaintext RMI, a certificate from another CA, an expired one) and with the wrong identity (a client
 * calling AdminService, node 3 speaking as node 5, a node or an operator rebinding the registry). Each must be refused,
 * quickly, and leave the cluster as it was: the same coordinator and epoch everywhere, the same history, and a node that
 * still lends books. One cluster serves every attack.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityIT {
    /** A refusal arrives well within this, never by waiting out a timeout. */
    private static final long QUICK_MS = 2_000;

    @TempDir
    static Path dir;
    private ClusterFixture f;
    private TlsFiles keys;
    private Map<Integer, String> views;
    private List<HistoryRecord> history;
    private int book;

    @BeforeAll
    void startCluster() throws Exception {
        f = new ClusterFixture(dir, 5);
        f.cluster.startAll();
        assertEquals(5, f.awaitAgreement(List.of(1, 2, 3, 4, 5)));
        keys = TlsFiles.under(dir.resolve("resources"));
        // the baseline: every node following node 5 in one epoch (a node that missed a heartbeat while the machine was
        // busy starting JVMs may still be asking its seniors, coordinator -1, a moment after the agreement)
        views = Awaitility.await().atMost(Duration.ofSeconds(15)).until(this::views,
                v -> v.values().stream().distinct().count() == 1 && v.get(1).startsWith("5@"));
        history = f.history(1);
    }

    @AfterAll
    void stopCluster() {
        f.close();
    }

    /** Each node's coordinator and epoch. */
    private Map<Integer, String> views() throws Exception {
        Map<Integer, String> v = new TreeMap<>();
        for (int id = 1; id <= 5; id++) {
            NodeStatus s = f.cluster.admin(id).status();
            v.put(id, s.coordinator() + "@" + s.epoch());
        }
        return v;
    }

    private NodeAddress node(int id) {
        return f.cluster.config().node(id).orElseThrow();
    }

    private <T extends java.rmi.Remote> T stub(int id, Class<T> service, KeyMaterial as) throws Exception {
        return Stubs.lookup(node(id).host(), node(id).port(), service, new TlsClientSocketFactory(as));
    }

    /** Runs an attack, which must fail fast with {@code expected}; returns the exception. */
    private static <E extends Throwable> E refused(Class<E> expected, Executable attack) {
        long started = System.nanoTime();
        E e = assertThrows(expected, attack);
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertTrue(ms < QUICK_MS, "refused after " + ms + " ms: " + e);
        return e;
    }

    /**
     * The cluster is as it was: same coordinator and epoch on every node (within a few seconds: a node that missed a
     * heartbeat on a busy machine asks its seniors and hears node 5 again, in the same epoch; an election won would
     * change the epoch for good), same history; and node 1 still lends.
     */
    private void assertUnharmed() throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertEquals(views, views(), "coordinator@epoch of each node"));
        assertEquals(history, f.history(1));
        int b = ++book;
        assertTrue(f.execute(1, new Command(UUID.randomUUID().toString(), Op.BORROW, b, "alice")).ok());
        assertTrue(f.execute(1, new Command(UUID.randomUUID().toString(), Op.RETURN, b, "alice")).ok());
        history = f.history(1);
    }

    private long counter(int id, String name) throws Exception {
        return f.cluster.admin(id).status().counters().get(name);
    }

    @Test
    void withoutCredentialsTheHandshakeRefusesThemAndLogsOneLinePerMinute() throws Exception {
        NodeAddress one = node(1);
        Registry plaintext = LocateRegistry.getRegistry(one.host(), one.port());
        refused(RemoteException.class, plaintext::list);
        refused(RemoteException.class, () -> plaintext.unbind(LibraryService.NAME));

        CertificateAuthority other = CertificateAuthority.create(Duration.ofDays(1));
        KeyMaterial stranger = KeyMaterial.of(other.issue(Identity.of(Role.ADMIN, "mallory"), List.of(), Duration.ofDays(1)),
                List.of(other.certificate(), keys.trusted().get(0)), "mallory"); // trusts the cluster; the cluster does not
        refused(RemoteException.class, () -> stub(1, AdminService.class, stranger).crash());

        Instant now = Instant.now();
        KeyMaterial expired = KeyMaterial.of(keys.loadCa().issue(Identity.of(Role.ADMIN, "old"), List.of(),
                now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))), keys.trusted(), "old");
        refused(RemoteException.class, () -> stub(1, AdminService.class, expired).holdLock(600_000));

        // The node counts a refusal on its own thread after sending the alert, so the caller may hear first: wait a little.
        Awaitility.await("every attempt is counted").atMost(Duration.ofSeconds(20))
                .until(() -> counter(1, "rejected.handshake") >= 4
                        && Files.readString(dir.resolve("logs/node-1.log")).contains("TLS handshake failed"));
        String log = Files.readString(dir.resolve("logs/node-1.log"));
        assertEquals(1, log.lines().filter(l -> l.contains("node 1: refused a connection from 127.0.0.1: TLS handshake"
                + " failed")).count(), "one line per address and minute:\n" + log);
        assertUnharmed();
    }

    @Test
    void aClientCertificateCannotCrashOrHoldTheLock() throws Exception {
        KeyMaterial client = keys.load(Role.CLIENT, 0);
        AdminService five = stub(5, AdminService.class, client);
        SecurityException e = refused(SecurityException.class, five::crash);
        assertEquals("node 5 refused AdminService.crash: AdminService.crash takes admin certificates", e.getMessage());
        refused(SecurityException.class, () -> five.holdLock(600_000));
        refused(SecurityException.class, () -> stub(1, NodeService.class, client).coordinator(new Message.Coordinator(5, 1)));
        assertTrue(stub(5, LibraryService.class, client).list().size() == 10, "a client still reads the library");
        assertTrue(counter(5, "rejected.identity") >= 2);
        assertTrue(f.cluster.isAlive(5));
        assertUnharmed();
    }

    @Test
    void nodeThreeCannotSpeakForNodeFive() throws Exception {
        NodeService one = stub(1, NodeService.class, keys.load(Role.NODE, 3));
        long epoch = f.cluster.admin(1).status().epoch();
        SecurityException e = refused(SecurityException.class, () -> one.coordinator(new Message.Coordinator(5, Long.MAX_VALUE)));
        assertEquals("node 1 refused NodeService: a COORDINATOR claiming to be from node 5 came with node 3's certificate",
                e.getMessage());
        refused(SecurityException.class,
                () -> one.grantLock(new Message.LockGrant(5, epoch, 1, new FencingToken(epoch, 99), 60_000, 2_000)));
        refused(SecurityException.class, () -> one.releaseLock(new Message.LockRelease(5, epoch, new FencingToken(epoch, 1))));
        refused(SecurityException.class, () -> one.deliver(Batch.of(new Message.Heartbeat(3, epoch),
                new Message.Coordinator(5, Long.MAX_VALUE))));
        assertTrue(counter(1, "rejected.identity") >= 4);
        assertUnharmed();
    }

    @Test
    void nobodyRebindsOrUnbindsTheRegistryNotEvenANodeOrAnOperator() throws Exception {
        for (KeyMaterial as : List.of(keys.load(Role.NODE, 3), keys.load(Role.ADMIN, 0))) {
            Registry registry = LocateRegistry.getRegistry(node(1).host(), node(1).port(), new TlsClientSocketFactory(as));
            AdminService decoy = stub(1, AdminService.class, keys.load(Role.ADMIN, 0));
            RemoteException e = refused(RemoteException.class, () -> registry.rebind(LibraryService.NAME, decoy));
            assertTrue(e.getCause() instanceof AccessException, e.toString());
            assertEquals("Registry.rebind disallowed; origin unknown", e.getCause().getMessage());
            e = refused(RemoteException.class, () -> registry.unbind(LibraryService.NAME));
            assertEquals("Registry.unbind disallowed; origin unknown", e.getCause().getMessage());
            e = refused(RemoteException.class, () -> registry.bind("Decoy", decoy));
            assertTrue(e.getCause() instanceof AccessException, e.toString());
            assertEquals(List.of("AdminService", "LibraryService", "NodeService"),
                    List.of(registry.list()).stream().sorted().toList());
        }
        assertTrue(counter(1, "rejected.registry") >= 6, "counted: " + counter(1, "rejected.registry"));
        assertTrue(Files.readString(dir.resolve("logs/node-1.log")).contains("node 1: refused Registry.rebind from node 3 at"
                + " 127.0.0.1: the registry takes no remote bind, rebind or unbind"));
        assertUnharmed();
    }
}
