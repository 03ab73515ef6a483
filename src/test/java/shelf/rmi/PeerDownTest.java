package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import shelf.config.ClusterConfig;
import shelf.protocol.Message;
import shelf.protocol.Transport;

/**
 * The transport's down period after a timed-out call ({@link RmiTransport}), against a peer that accepts connections
 * and never answers (a node busy starting, as far as the caller can tell): the period makes the next messages fail at
 * once, and hearing from the peer ends it, or keeps it from opening when heard while the call was under way. The
 * period is an RPC timeout of a minute here, so a message tried for real shows as a new connection at the peer.
 */
@Timeout(180)
class PeerDownTest {
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final List<Message> unreachable = new CopyOnWriteArrayList<>();
    private ServerSocket silent;
    private RmiTransport transport;

    @BeforeEach
    void start() throws Exception {
        TimeoutClientSocketFactory.setTimeouts(300, 300);
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept()); // kept open, never read nor answered
                    accepted.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        ClusterConfig config = ClusterConfig.parse(List.of("node.1=127.0.0.1:1", "node.2=127.0.0.1:" + silent.getLocalPort(),
                "rpc.timeout.ms=60000", "request.timeout.ms=60000"), "test");
        transport = new RmiTransport(1, config, new TimeoutClientSocketFactory(), new Transport.Inbox() {
            @Override
            public void deliver(Message m) {
            }

            @Override
            public void unreachable(int peer, Message m) {
                unreachable.add(m);
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        transport.close();
        silent.close();
        for (Socket s : held) {
            s.close();
        }
    }

    private static Message heartbeat(long epoch) {
        return new Message.Heartbeat(1, epoch);
    }

    private void sendAndAwaitFailure(Message m) {
        transport.send(2, m);
        Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> unreachable.contains(m));
    }

    @Test
    void afterATimeoutThePeerIsDownUntilItIsHeardFrom() {
        sendAndAwaitFailure(heartbeat(1));
        assertEquals(1, accepted.get(), "the first call connected and waited out its timeout");
        sendAndAwaitFailure(heartbeat(2));
        assertEquals(1, accepted.get(), "within the down period a message fails without a call");

        transport.hearing(new Transport.Inbox() {
            @Override
            public void deliver(Message m) {
            }

            @Override
            public void unreachable(int peer, Message m) {
            }
        }).deliver(new Message.HeartbeatAck(2, 1));
        sendAndAwaitFailure(heartbeat(3));
        assertEquals(2, accepted.get(), "heard from, the peer is tried again");
    }

    @Test
    void aTimeoutAfterThePeerWasHeardFromOpensNoDownPeriod() {
        transport.send(2, heartbeat(1));
        Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> accepted.get() == 1);
        transport.heard(2); // while the call waits: the peer is alive, only slow
        transport.heard(7); // no such peer: nothing
        Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> unreachable.contains(heartbeat(1)));
        sendAndAwaitFailure(heartbeat(2));
        assertEquals(2, accepted.get(), "the next message is tried for real");
    }
}
