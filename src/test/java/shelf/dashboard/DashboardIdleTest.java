package shelf.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.config.ClusterConfig;

/**
 * A dashboard no one looks at does not ask the nodes anything: its node is a socket that counts the connections made
 * to it and closes each at once, so every status round the dashboard makes is one connection more.
 */
class DashboardIdleTest {

    @Test
    void theNodesAreAskedOnlyWhileAPageIsOpen(@TempDir Path logs) throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket node = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                while (!node.isClosed()) {
                    try {
                        node.accept().close();
                        connections.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "fake-node");
            acceptor.setDaemon(true);
            acceptor.start();
            ClusterConfig config = ClusterConfig.parse(List.of("tls=off", "node.1=127.0.0.1:" + node.getLocalPort()), "test");
            try (Dashboard dashboard = Dashboard.start(new Dashboard.Options(config, "127.0.0.1", 0, logs, command -> {
                throw new IOException("no cluster runs here");
            }))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> connections.get() > 0); // the first state, for a first page
                Thread.sleep(4 * Dashboard.NODE_POLL_MS); // let that first round end
                int idle = connections.get();
                Thread.sleep(6 * Dashboard.NODE_POLL_MS);
                assertEquals(idle, connections.get(), "no page open: no status calls");

                try (Socket page = openEvents(dashboard)) {
                    assertTrue(page.isConnected());
                    await().atMost(Duration.ofSeconds(10)).until(() -> connections.get() >= idle + 3);
                }
            }
        }
    }

    /** A page's event stream, as a browser holding the dashboard open keeps it. */
    private static Socket openEvents(Dashboard dashboard) throws IOException {
        String url = dashboard.url();
        String token = url.substring(url.indexOf("token=") + "token=".length());
        Socket s = new Socket("127.0.0.1", dashboard.port());
        OutputStream out = s.getOutputStream();
        out.write(("GET /events HTTP/1.1\r\nHost: 127.0.0.1:" + dashboard.port() + "\r\nCookie: shelf-dashboard-"
                + dashboard.port() + "=" + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] start = in.readNBytes(12);
        if (!new String(start, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200")) {
            throw new SocketException("the event stream was refused: " + new String(start, StandardCharsets.US_ASCII));
        }
        return s;
    }
}
