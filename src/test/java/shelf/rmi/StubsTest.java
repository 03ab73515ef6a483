package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.ConnectException;
import org.junit.jupiter.api.Test;
import shelf.api.AdminService;
import shelf.api.LibraryService;
import shelf.api.NodeService;
import shelf.config.NodeAddress;

class StubsTest {
    /** {@link Stubs} looks a service up by its interface's simple name; the nodes bind it under {@code NAME}. */
    @Test
    void everyServiceIsBoundUnderItsInterfacesName() {
        assertEquals(NodeService.NAME, NodeService.class.getSimpleName());
        assertEquals(LibraryService.NAME, LibraryService.class.getSimpleName());
        assertEquals(AdminService.NAME, AdminService.class.getSimpleName());
    }

    @Test
    void aNodeThatIsNotRunningIsAConnectException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        NodeAddress nowhere = new NodeAddress(1, "127.0.0.1", port);
        ConnectException e = assertThrows(ConnectException.class, () -> Stubs.lookup(nowhere, LibraryService.class));
        assertEquals(java.net.ConnectException.class, e.getCause().getClass());
    }
}
