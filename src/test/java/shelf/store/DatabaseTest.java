package shelf.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import shelf.config.StoreConfig;
import shelf.library.StoreException;

/** The database's sessions against a server that is there but silent: an error to wait on, never a hang. */
class DatabaseTest {
    @Test
    void aDatabaseThatAcceptsConnectionsAndNeverAnswersIsUnreachableNotAHang() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket()) { // as a paused PostgreSQL: the kernel accepts, nobody answers
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (Exception ignored) {
                    // the server socket closed: the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Database db = Database.trusting(StoreConfig.postgresql("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort()
                    + "/shelf", "shelf"), 1_000);
            StoreException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> assertThrows(StoreException.class, db::migrate));
            assertTrue(Database.unreachable(e), "a node waits for it: " + e.getMessage());
            assertTrue(e.getMessage().endsWith(": checking the library's schema: Connection attempt timed out"),
                    e.getMessage());
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
