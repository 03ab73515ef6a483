package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.rmi.Remote;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RemoteObjectInvocationHandler;
import java.security.MessageDigest;
import java.util.List;
import java.util.PriorityQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.api.AdminService;
import shelf.api.LibraryService;
import shelf.api.NodeService;
import shelf.cluster.LocalCluster;
import shelf.config.ClusterConfig;
import shelf.library.LibraryFiles;
import shelf.library.SampleCatalog;
import shelf.protocol.Batch;
import shelf.protocol.Message;
import shelf.server.ShelfNode;
import shelf.tls.Role;
import shelf.tls.TlsFiles;

/**
 * JEP 290: a serialized object of a class outside the filter, sent to the registry and to each remote
 * object as a call argument, is refused before it is instantiated, and the node keeps serving.
 */
class SerialFilterTest {
    @TempDir
    Path dir;
    private ShelfNode node;
    private Registry registry;
    private NodeService nodeService;

    /** Stands for a deserialization gadget: any class the node has no business receiving. */
    static final class Gadget implements InvocationHandler, Serializable {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return null;
        }
    }

    @BeforeEach
    void start() throws Exception {
        int port = LocalCluster.freePorts(1).get(0);
        new LibraryFiles(dir).create(SampleCatalog.books(10));
        ClusterConfig config = ClusterConfig.parse(List.of("node.1=127.0.0.1:" + port), "test");
        TlsFiles.under(dir).ensureLocalCluster(config);
        node = ShelfNode.start(config, 1, dir);
        RmiServer.useClientTimeouts(config); // an operator's timeouts (the node set its peers' shorter ones for this JVM)
        Credentials.use(TlsFiles.under(dir).load(Role.ADMIN, 0)); // this test calls as the operator
        registry = LocateRegistry.getRegistry("127.0.0.1", port, Credentials.sockets());
        nodeService = Stubs.lookup("127.0.0.1", port, NodeService.class,
                new TlsClientSocketFactory(TlsFiles.under(dir).load(Role.NODE, 1))); // as node 1 itself
    }

    @AfterEach
    void stop() {
        node.close();
    }

    /** Calls {@code method} on a stub with arbitrary argument objects, as a hostile client can. */
    private static void rawCall(Remote stub, Method method, Object... args) throws Exception {
        RemoteObjectInvocationHandler h = (RemoteObjectInvocationHandler) Proxy.getInvocationHandler(stub);
        h.getRef().invoke(stub, method, args, methodHash(method));
    }

    /** The RMI method hash: the first 8 bytes, little-endian, of SHA-1 over writeUTF(name + descriptor). */
    private static long methodHash(Method m) throws Exception {
        StringBuilder descriptor = new StringBuilder(m.getName()).append('(');
        for (Class<?> p : m.getParameterTypes()) {
            descriptor.append(p.descriptorString());
        }
        descriptor.append(')').append(m.getReturnType().descriptorString());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        new java.io.DataOutputStream(bytes).writeUTF(descriptor.toString());
        byte[] sha = MessageDigest.getInstance("SHA").digest(bytes.toByteArray());
        long hash = 0;
        for (int i = 0; i < 8; i++) {
            hash += (long) (sha[i] & 0xFF) << (i * 8);
        }
        return hash;
    }

    private void assertRefused(Remote stub, Method method, Object gadget) {
        Exception e = assertThrows(Exception.class, () -> rawCall(stub, method, gadget));
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(root instanceof java.io.InvalidClassException && root.getMessage().contains("REJECTED"),
                method.getName() + ": " + e);
    }

    @Test
    void gadgetsAreRefusedByEveryRemoteObjectAndTheRegistry() throws Exception {
        PriorityQueue<Object> gadget = new PriorityQueue<>(List.of("a", "b"));
        Remote library = registry.lookup(LibraryService.NAME);
        Remote peers = nodeService;
        assertRefused(library, LibraryService.class.getMethod("history", Integer.class), gadget);
        assertRefused(library, LibraryService.class.getMethod("execute", shelf.library.Command.class), gadget);
        assertRefused(peers, NodeService.class.getMethod("election", Message.Election.class), gadget);
        assertRefused(peers, NodeService.class.getMethod("grantLock", Message.LockGrant.class), new Gadget());
        assertRefused(peers, NodeService.class.getMethod("heartbeat", Message.Heartbeat.class), new java.util.HashMap<>());
        // AdminService's methods take no objects but an operator's faults (ping's int is read as a primitive).
        Remote admin = registry.lookup(AdminService.NAME);
        assertRefused(admin, AdminService.class.getMethod("setFaults", shelf.api.Faults.class), gadget);

        // The registry refuses a remote rebind before it reads the arguments, so the gadget is never even deserialized.
        Remote proxy = (Remote) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Remote.class}, new Gadget());
        Exception e = assertThrows(Exception.class, () -> registry.rebind("evil", proxy));
        assertTrue(e.getCause() instanceof java.rmi.AccessException && e.getCause().getMessage().contains("disallowed"),
                e.toString());

        assertEquals(10, ((LibraryService) registry.lookup(LibraryService.NAME)).list().size(), "the node keeps serving");
        assertEquals(3, registry.list().length);
    }

    @Test
    void aBatchOfMessagesIsDeliveredAndABatchCarryingAGadgetIsRefused() throws Exception {
        NodeService peers = nodeService;
        AdminService admin = (AdminService) registry.lookup(AdminService.NAME);
        long before = admin.status().counters().getOrDefault("received.HEARTBEAT", 0L);
        peers.deliver(Batch.of(new Message.Heartbeat(1, 0), new Message.Heartbeat(1, 0)));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(
                () -> admin.status().counters().getOrDefault("received.HEARTBEAT", 0L) == before + 2);

        assertRefused(peers, NodeService.class.getMethod("deliver", Batch.class), new Gadget());
        assertEquals(10, ((LibraryService) registry.lookup(LibraryService.NAME)).list().size(), "the node keeps serving");
    }

    @Test
    void anOperatorsFaultsPassTheFilterBothWaysAndShowInStatus() throws Exception {
        AdminService admin = (AdminService) registry.lookup(AdminService.NAME);
        shelf.api.Faults faults = new shelf.api.Faults(java.util.Set.of(), 10, 200);

        assertEquals(shelf.api.Faults.NONE, admin.setFaults(faults));
        assertEquals(faults, admin.faults());
        assertEquals("drop 10%; delay 200 ms", admin.status().faults());
        assertEquals(faults, admin.setFaults(shelf.api.Faults.NONE));
        assertEquals("none", admin.status().faults());
    }
}
