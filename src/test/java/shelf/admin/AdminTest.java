package shelf.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.rmi.RemoteException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.api.AdminService;
import shelf.cluster.LocalCluster;
import shelf.config.ClusterConfig;
import shelf.library.LibraryFiles;
import shelf.library.SampleCatalog;
import shelf.rmi.Credentials;
import shelf.rmi.RmiServer;
import shelf.rmi.Stubs;
import shelf.rmi.TimeoutClientSocketFactory;
import shelf.server.ShelfNode;
import shelf.tls.Role;
import shelf.tls.TlsFiles;
import shelf.util.Throwables;

/** The operator's service over real RMI (one node in this JVM), with a read timeout far shorter than a client's. */
class AdminTest {
    private static final int READ_TIMEOUT_MS = 1_000;
    @TempDir
    Path dir;
    private ClusterConfig config;
    private ShelfNode node;

    @BeforeEach
    void startNode() throws Exception {
        int port = LocalCluster.freePorts(1).get(0);
        config = ClusterConfig.parse(List.of("node.1=127.0.0.1:" + port), "test.properties");
        new LibraryFiles(dir).create(SampleCatalog.books(3));
        TlsFiles.under(dir).ensureLocalCluster(config);
        node = ShelfNode.start(config, 1, dir);
        Credentials.use(TlsFiles.under(dir).load(Role.ADMIN, 0));
        TimeoutClientSocketFactory.setTimeouts(READ_TIMEOUT_MS, READ_TIMEOUT_MS); // before this test's first connection
    }

    @AfterEach
    void stopNode() {
        RmiServer.useClientTimeouts(config); // what the other tests of this JVM expect
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aHoldLongerThanTheReadTimeoutIsAnsweredAndTheBareStubTimesOut() throws Exception {
        AdminService stub = Stubs.lookup(config.require(1), AdminService.class);
        String held = Admin.patient(stub).holdLock(READ_TIMEOUT_MS + 500);
        assertTrue(held.startsWith("node 1 held the cluster lock for 1500 ms with token "), held);
        assertEquals(3, Admin.patient(stub).lockCycles(3).length, "other calls pass through");
        assertEquals(1, Admin.patient(stub).status().id());
        RemoteException timedOut = assertThrows(RemoteException.class, () -> stub.holdLock(READ_TIMEOUT_MS + 500));
        assertInstanceOf(SocketTimeoutException.class, Throwables.rootCause(timedOut), "without the allowance");
    }

    @Test
    void anOperatorEndsAHoldEarlyAndItsCallerHearsSo() throws Exception {
        AdminService patient = Admin.patient(Stubs.lookup(config.require(1), AdminService.class));
        assertEquals("node 1 has no operator hold to end", patient.endHold());
        CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
            try {
                return patient.holdLock(600_000);
            } catch (Exception e) {
                return e.toString();
            }
        });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> patient.lockTable().holder() == 1);
        String ended = patient.endHold();
        assertTrue(ended.startsWith("node 1 ended an operator hold early (600000 ms asked "), ended);
        String answer = held.get(20, TimeUnit.SECONDS);
        assertTrue(answer.startsWith("node 1's hold of 600000 ms was ended early by an operator, "), answer);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> patient.lockTable().holder() == -1);
    }

    @Test
    void whatTheNodeThrowsComesThroughAsTheStubThrowsIt() throws Exception {
        AdminService patient = Admin.patient(Stubs.lookup(config.require(1), AdminService.class));
        assertEquals("hold between 0 and 600000 ms, not -1",
                assertThrows(IllegalArgumentException.class, () -> patient.holdLock(-1)).getMessage());
        assertEquals("between 1 and 10000 cycles, not 0",
                assertThrows(IllegalArgumentException.class, () -> patient.lockCycles(0)).getMessage());
    }
}
