package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import shelf.config.ConnectionLimits;
import shelf.config.NodeAddress;
import shelf.fencing.FencingToken;
import shelf.protocol.Batch;
import shelf.protocol.Message;
import shelf.protocol.Transport;
import shelf.tls.CertificateAuthority;
import shelf.tls.Identity;
import shelf.tls.KeyMaterial;
import shelf.tls.Role;
import shelf.util.RateLimitedLog;

/**
 * A node's peer frames over a real accepted TLS connection ({@link AcceptedSocket}), without RMI: a batch and its reply,
 * and what is turned away (another node's name on a message, a certificate that is not a node's, a frame too long,
 * bytes that are not a batch), each without harm to the next channel; and a node that serves no frames.
 */
@Timeout(30)
class PeerFramesTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static KeyMaterial node1;
    private static KeyMaterial node2;
    private static KeyMaterial client;

    private final List<Message> delivered = new CopyOnWriteArrayList<>();
    private Access access;
    private ServerSocket server;
    private Thread acceptor;

    @BeforeAll
    static void keys() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(Duration.ofDays(1));
        List<X509Certificate> trusted = List.of(ca.certificate());
        List<String> hosts = List.of(LOOPBACK.getHostAddress());
        node1 = KeyMaterial.of(ca.issue(Identity.node(1), hosts, Duration.ofDays(1)), trusted, "node 1");
        node2 = KeyMaterial.of(ca.issue(Identity.node(2), hosts, Duration.ofDays(1)), trusted, "node 2");
        client = KeyMaterial.of(ca.issue(Identity.of(Role.CLIENT, "alice"), List.of(), Duration.ofDays(1)), trusted, "alice");
        TimeoutClientSocketFactory.setTimeouts(2_000, 5_000);
    }

    /** Node 1 listening as a node does: each connection served on a thread of its own, read as RMI would read it. */
    @BeforeEach
    void listen() throws Exception {
        listen(ConnectionLimits.DEFAULTS);
    }

    private void listen(ConnectionLimits limits) throws Exception {
        access = new Access("node 1", node1, Clock.systemUTC(), new RateLimitedLog(LoggerFactory.getLogger(getClass())));
        Transport.Inbox inbox = new Transport.Inbox() {
            @Override
            public void deliver(Message m) {
                delivered.add(m);
                if (m instanceof Message.LockRequest r) { // the coordinator's answer, in the reply
                    new RmiTransportReplySender().send(1, r.from(), new Message.LockGrant(1, 0, r.requestId(),
                            new FencingToken(0, r.requestId()), 800, 2_000));
                }
            }

            @Override
            public void unreachable(int peer, Message m) {
            }
        };
        access.servePeerFrames(new NodeServiceImpl(1, inbox, "fingerprint-1", access));
        server = new BoundServerSocketFactory(LOOPBACK, access, limits).createServerSocket(0);
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> readAsRmi(s));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** What RMI's connection thread does with an accepted connection: read until the end of the stream, then close. */
    private static void readAsRmi(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                if (n >= 4 && new String(buffer, 0, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("JRMI")) {
                    return; // an RMI opening: no RMI here, so the caller's fallback fails at once
                }
            }
        } catch (IOException ignored) {
            // the connection failed or was refused: counted by Access where it matters
        }
    }

    /** Sends what a node's transport sends in a reply: {@link Replies}, as on the node's RMI thread. */
    private static final class RmiTransportReplySender {
        void send(int from, int to, Message m) {
            assertTrue(Replies.offer(from, to, m), "a reply is open on the serving thread");
        }
    }

    @AfterEach
    void close() throws Exception {
        server.close();
    }

    private PeerChannel channel(KeyMaterial keys) {
        return new PeerChannel(new NodeAddress(1, LOOPBACK.getHostAddress(), server.getLocalPort()),
                new TlsClientSocketFactory(keys));
    }

    @Test
    void aBatchGoesInOneFrameAndTheAnswerComesBackInTheReply() throws Exception {
        try (PeerChannel c = channel(node2)) {
            assertEquals("fingerprint-1", c.open());
            Batch reply = c.call(Batch.of(new Message.LockRequest(2, 0, 7)));
            assertEquals(List.of(new Message.LockGrant(1, 0, 7, new FencingToken(0, 7), 800, 2_000)), reply.messages());
            assertEquals(Batch.EMPTY.messages(), c.call(Batch.of(new Message.Heartbeat(2, 0))).messages());
            assertEquals(List.of(new Message.LockRequest(2, 0, 7), new Message.Heartbeat(2, 0)), delivered);
        }
    }

    @Test
    void aMessageInAnotherNodesNameEndsTheChannelAndIsCounted() throws Exception {
        try (PeerChannel c = channel(node2)) {
            assertThrows(IOException.class, () -> c.call(Batch.of(new Message.Heartbeat(3, 0))));
            assertEquals(List.of(), delivered);
            assertEquals(1L, access.counters().get("rejected.identity"));
            assertEquals(List.of(), c.call(Batch.of(new Message.Heartbeat(2, 0))).messages(), "a new channel works");
        }
    }

    @Test
    void aCertificateThatIsNotANodesGetsNoChannel() throws Exception {
        try (PeerChannel c = channel(client)) {
            assertThrows(PeerChannel.NotFramed.class, c::open);
        }
        assertEquals(1L, access.counters().get("rejected.identity"));
        assertEquals(List.of(), delivered);
    }

    @Test
    void aFrameTooLongOrNotABatchEndsTheChannelBeforeAnythingIsBelieved() throws Exception {
        for (int[] frame : new int[][] {{PeerFrames.MAX_FRAME_BYTES + 1}, {6, 0x0001_7F00, 0}}) {
            try (Socket s = new TlsClientSocketFactory(node2).createSocket(LOOPBACK.getHostAddress(), server.getLocalPort())) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                DataInputStream in = new DataInputStream(s.getInputStream());
                out.writeInt(PeerFrames.MAGIC);
                out.writeShort(PeerFrames.VERSION);
                out.flush();
                assertEquals(PeerFrames.ACK, in.readInt());
                assertEquals("fingerprint-1", in.readUTF());
                for (int word : frame) {
                    out.writeInt(word); // a length, then (the second) one message of an unknown kind, 127
                }
                out.flush();
                assertEquals(-1, in.read(), "the node hangs up");
            }
        }
        assertEquals(2L, access.counters().get("rejected.frames"));
        assertEquals(List.of(), delivered);
        try (PeerChannel c = channel(node2)) {
            assertEquals(List.of(), c.call(Batch.of(new Message.Heartbeat(2, 0))).messages(), "the node serves on");
        }
    }

    /** The node closes a channel idle for its idle timeout; the next call finds it dead and goes on a new one, once. */
    @Test
    void aChannelTheNodeClosedIsReplacedByTheNextCall() throws Exception {
        server.close();
        ConnectionLimits d = ConnectionLimits.DEFAULTS;
        listen(new ConnectionLimits(d.handshakeTimeoutMs(), 300, d.maxOpening(), d.maxOpen(), d.peerSlots(), d.maxCallBytes()));
        try (PeerChannel c = channel(node2)) {
            assertEquals(List.of(), c.call(Batch.of(new Message.Heartbeat(2, 0))).messages());
            Thread.sleep(1_000); // the node's idle timeout passes: it closes its end
            assertEquals(List.of(), c.call(Batch.of(new Message.Heartbeat(2, 1))).messages());
        }
        assertEquals(List.of(new Message.Heartbeat(2, 0), new Message.Heartbeat(2, 1)), delivered);
    }

    @Test
    void aNodeThatServesNoFramesSaysSoByHangingUp() throws Exception {
        access.servePeerFrames(null);
        try (PeerChannel c = channel(node2)) {
            assertThrows(PeerChannel.NotFramed.class, c::open);
        }
    }

    /**
     * A transport toward a node that serves no frames (and, here, no RMI either: each call fails) probes it again after
     * each failure, and the INFO log names it once, not once per probe.
     */
    @Test
    void aNodeWithoutFramesIsNamedOnceInTheLogHoweverOftenItIsProbed() throws Exception {
        access.servePeerFrames(null);
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(RmiTransport.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        log.addAppender(lines);
        ch.qos.logback.classic.Level level = log.getLevel();
        log.setLevel(ch.qos.logback.classic.Level.INFO);
        java.util.concurrent.BlockingQueue<Message> failed = new java.util.concurrent.LinkedBlockingQueue<>();
        shelf.config.ClusterConfig config = shelf.config.ClusterConfig.parse(List.of(
                "node.1=" + LOOPBACK.getHostAddress() + ":" + server.getLocalPort(), "node.2=127.0.0.1:1"), "test.properties");
        try (RmiTransport transport = new RmiTransport(2, config, new TlsClientSocketFactory(node2), new Transport.Inbox() {
            @Override
            public void deliver(Message m) {
            }

            @Override
            public void unreachable(int peer, Message m) {
                failed.add(m);
            }
        })) {
            for (int epoch = 0; epoch < 3; epoch++) {
                Message m = new Message.Heartbeat(2, epoch);
                transport.send(1, m);
                assertEquals(m, failed.poll(20, java.util.concurrent.TimeUnit.SECONDS), "reported unreachable");
            }
        } finally {
            log.detachAppender(lines);
            log.setLevel(level);
        }
        List<String> said = lines.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO))
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("does not speak peer frames")).toList();
        assertEquals(1, said.size(), said.toString());
    }
}
