package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import shelf.config.ConnectionLimits;
import shelf.tls.CertificateAuthority;
import shelf.tls.Identity;
import shelf.tls.KeyMaterial;
import shelf.tls.Role;
import shelf.util.RateLimitedLog;

/**
 * A node's server socket and a caller's TLS client socket, in one JVM on loopback, without RMI: who gets through the
 * handshake, how fast the others are turned away, and what the node's side sees.
 */
@Timeout(30)
class TlsSocketsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** The nodes' handshake timeout in these tests, */
    private static final int HANDSHAKE_MS = 3_000;
    /** and a short one, for the silent peer. */
    private static final int SHORT_HANDSHAKE_MS = 300;
    private static CertificateAuthority ca;
    private static KeyMaterial node;
    private static KeyMaterial client;

    private Access access;
    private ServerSocket server;
    /** What the node's side saw of the one connection it accepts: the caller, or the failure. */
    private CompletableFuture<Object> seen;

    @BeforeAll
    static void keys() throws Exception {
        ca = CertificateAuthority.create(Duration.ofDays(1));
        node = keys(ca, Identity.node(1), List.of(LOOPBACK.getHostAddress()));
        client = keys(ca, Identity.of(Role.CLIENT, "alice"), List.of());
        TimeoutClientSocketFactory.setTimeouts(1_000, 2_000);
    }

    private static ConnectionLimits limits(int handshakeMs) {
        ConnectionLimits d = ConnectionLimits.DEFAULTS;
        return new ConnectionLimits(handshakeMs, d.idleTimeoutMs(), d.maxOpening(), d.maxOpen(), d.peerSlots(), d.maxCallBytes());
    }

    private static KeyMaterial keys(CertificateAuthority authority, Identity who, List<String> hosts) throws Exception {
        return KeyMaterial.of(authority.issue(who, hosts, Duration.ofDays(1)), List.of(authority.certificate()), who.toString());
    }

    @BeforeEach
    void listen() throws Exception {
        listen(HANDSHAKE_MS);
    }

    private void listen(int handshakeMs) throws Exception {
        access = new Access("node 1", node, Clock.systemUTC(), new RateLimitedLog(LoggerFactory.getLogger(getClass())));
        server = new BoundServerSocketFactory(LOOPBACK, access, limits(handshakeMs)).createServerSocket(0);
        seen = CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                assertNull(s.getInetAddress(), "RMI must not learn the caller's address (the registry's guard)");
                InputStream in = s.getInputStream();
                int b = in.read();
                Object caller = Caller.current().orElse(null);
                s.getOutputStream().write(b + 1);
                s.getOutputStream().flush();
                return caller;
            } catch (IOException e) {
                return e;
            }
        });
    }

    @AfterEach
    void close() throws Exception {
        server.close();
    }

    private int port() {
        return server.getLocalPort();
    }

    /** Sends one byte as {@code keys}' holder and reads the node's answer. */
    private int exchange(KeyMaterial keys) throws IOException {
        try (Socket s = new TlsClientSocketFactory(keys).createSocket(LOOPBACK.getHostAddress(), port())) {
            s.getOutputStream().write(41);
            s.getOutputStream().flush();
            return s.getInputStream().read();
        }
    }

    @Test
    void aClientWithACertificateFromTheClusterCaGetsThroughAndTheNodeKnowsWhoItIs() throws Exception {
        assertEquals(42, exchange(client));
        assertEquals(new Caller(Identity.of(Role.CLIENT, "alice"), LOOPBACK.getHostAddress()), seen.get(5, TimeUnit.SECONDS));
        assertEquals(0L, access.counters().get("rejected.handshake"));
    }

    @Test
    void aPlaintextClientIsRefusedAtOnce() throws Exception {
        long started = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port()), 1_000);
            s.setSoTimeout(2_000);
            s.getOutputStream().write("JRMI\0\2K".getBytes(StandardCharsets.ISO_8859_1)); // RMI's opening, in the clear
            s.getOutputStream().flush();
            assertTrue(readsToEnd(s), "the node closes the connection");
        }
        assertTrue(seen.get(5, TimeUnit.SECONDS) instanceof IOException);
        assertTrue(System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(HANDSHAKE_MS - 1_000), "refused, not timed out");
        assertEquals(1L, access.counters().get("rejected.handshake"));
    }

    @Test
    void aSilentPeerIsClosedAfterTheHandshakeTimeout() throws Exception {
        server.close();
        listen(SHORT_HANDSHAKE_MS);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port()), 1_000);
            s.setSoTimeout(5_000);
            long started = System.nanoTime();
            assertTrue(readsToEnd(s));
            long ms = (System.nanoTime() - started) / 1_000_000;
            assertTrue(ms >= SHORT_HANDSHAKE_MS - 50 && ms < 2_500, ms + " ms");
        }
        assertEquals(1L, access.counters().get("rejected.handshake"));
    }

    @Test
    void aCertificateFromAnotherCaOrAnExpiredOneIsRefused() throws Exception {
        CertificateAuthority other = CertificateAuthority.create(Duration.ofDays(1));
        KeyMaterial stranger = KeyMaterial.of(other.issue(Identity.of(Role.ADMIN, "mallory"), List.of(), Duration.ofDays(1)),
                List.of(other.certificate(), ca.certificate()), "mallory"); // trusts the node, is not trusted by it
        assertThrows(IOException.class, () -> exchange(stranger));
        assertTrue(seen.get(5, TimeUnit.SECONDS) instanceof IOException);

        Instant now = Instant.now();
        KeyMaterial expired = KeyMaterial.of(ca.issue(Identity.of(Role.ADMIN, "old"), List.of(), now.minus(Duration.ofDays(2)),
                now.minus(Duration.ofDays(1))), List.of(ca.certificate()), "old");
        listen();
        assertThrows(IOException.class, () -> exchange(expired));
        assertTrue(seen.get(5, TimeUnit.SECONDS) instanceof IOException);
        assertEquals(1L, access.counters().get("rejected.handshake"));
    }

    /** In place of the node: a server with {@code keys} that accepts one connection and reads until the client leaves. */
    private void serveAs(String name, KeyMaterial keys) throws IOException {
        server.close();
        server = new BoundServerSocketFactory(LOOPBACK, new Access(name, keys, Clock.systemUTC(),
                new RateLimitedLog(LoggerFactory.getLogger(getClass()))), limits(SHORT_HANDSHAKE_MS)).createServerSocket(0);
        CompletableFuture.runAsync(() -> {
            try (Socket s = server.accept()) {
                s.getInputStream().read();
            } catch (IOException expected) {
                // the client walks away
            }
        });
    }

    @Test
    void aClientRefusesAServerThatIsNotANodeOfItsCluster() throws Exception {
        serveAs("impostor", keys(ca, Identity.of(Role.ADMIN, "admin"), List.of()));
        IOException e = assertThrows(IOException.class, () -> exchange(client));
        assertTrue(e instanceof javax.net.ssl.SSLException, e.toString());
    }

    @Test
    void aClientRefusesANodeWhoseCertificateNamesAnotherHost() throws Exception {
        serveAs("node-1", keys(ca, Identity.node(1), List.of("127.0.0.2", "shelf-1.example")));
        IOException e = assertThrows(IOException.class, () -> exchange(client));
        assertTrue(e instanceof javax.net.ssl.SSLException, e.toString());
        assertTrue(String.valueOf(e.getMessage()).contains("does not name " + LOOPBACK.getHostAddress()), e.toString());
    }

    @Test
    void factoriesWithTheSameKeysAreEqualSoTheyShareAPortAndAPool() {
        assertEquals(new TlsClientSocketFactory(client), new TlsClientSocketFactory(client));
        assertEquals(new TlsClientSocketFactory(client).hashCode(), new TlsClientSocketFactory(client).hashCode());
        assertTrue(!new TlsClientSocketFactory(client).equals(new TlsClientSocketFactory(node)),
                "another identity, another pool");
        assertEquals(new BoundServerSocketFactory(LOOPBACK, access, limits(HANDSHAKE_MS)),
                new BoundServerSocketFactory(LOOPBACK, access, limits(HANDSHAKE_MS)));
    }

    /** Reads until the end of the stream (or a reset): true when the peer closed. */
    private static boolean readsToEnd(Socket s) throws IOException {
        try {
            while (s.getInputStream().read() >= 0) {
                // TLS alert bytes
            }
            return true;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }
}
