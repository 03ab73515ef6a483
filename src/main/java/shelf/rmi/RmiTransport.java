package shelf.rmi;

import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.config.ClusterConfig;
import shelf.config.NodeAddress;
import shelf.protocol.Message;
import shelf.protocol.Transport;

/**
 * The {@link Transport} over RMI: one sender thread per peer (so messages to a peer keep their order,
 * and a paused peer holds up only its own queue), each call bounded by the socket factory's timeouts.
 * A failed call drops the cached stub and reports the message as unreachable.
 *
 * <p>After a call that timed out the peer is <em>down</em> for one RPC timeout: messages to it (queued or
 * new) are reported unreachable at once instead of each waiting out the timeout behind the others. A
 * refused connection (a dead peer, or one not started yet) fails fast by itself and opens no such window. The
 * first message after that period probes the peer again. Without this, a paused peer's queue of
 * heartbeats would delay an ELECTION to it by seconds.
 */
public final class RmiTransport implements Transport, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RmiTransport.class);
    private static final int QUEUE_PER_PEER = 4096;

    private final int self;
    private final ClusterConfig config;
    private final TimeoutClientSocketFactory sockets;
    private final Transport.Inbox inbox;
    private final Map<Integer, Peer> peers = new HashMap<>();
    private final long downNanos;

    private final class Peer {
        final NodeAddress address;
        final ThreadPoolExecutor sender;
        NodeService stub;
        boolean checkedMembership;
        volatile long downUntilNanos;

        Peer(NodeAddress address) {
            this.address = address;
            this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_PER_PEER), r -> {
                Thread t = new Thread(r, "node-" + self + "-to-" + address.id());
                t.setDaemon(true);
                return t;
            });
        }

        void deliver(Message m) {
            if (System.nanoTime() < downUntilNanos) {
                inbox.unreachable(address.id(), m);
                return;
            }
            try {
                NodeService node = stub();
                call(node, m);
            } catch (RemoteException | NotBoundException | RuntimeException e) {
                stub = null;
                if (timedOut(e)) {
                    downUntilNanos = System.nanoTime() + downNanos;
                }
                if (log.isDebugEnabled()) {
                    log.debug("node {}: call to node {} at {} failed: {}", self, address.id(), address, e.toString());
                }
                inbox.unreachable(address.id(), m);
            }
        }

        NodeService stub() throws RemoteException, NotBoundException {
            if (stub == null) {
                stub = (NodeService) LocateRegistry.getRegistry(address.host(), address.port(), sockets).lookup(NodeService.NAME);
                if (!checkedMembership) {
                    checkedMembership = true;
                    String theirs = stub.membership();
                    if (!theirs.equals(config.membershipFingerprint())) {
                        log.warn("node {}: node {} at {} runs with a different node list than {} (fingerprint {} vs {});"
                                + " start every node with the same file", self, address.id(), address, config.source(),
                                theirs, config.membershipFingerprint());
                    }
                }
            }
            return stub;
        }
    }

    public RmiTransport(int self, ClusterConfig config, TimeoutClientSocketFactory sockets, Transport.Inbox inbox) {
        this.self = self;
        this.config = config;
        this.sockets = sockets;
        this.inbox = inbox;
        this.downNanos = TimeUnit.MILLISECONDS.toNanos(config.timings().rpcTimeoutMs());
        for (NodeAddress a : config.nodes().values()) {
            if (a.id() != self) {
                peers.put(a.id(), new Peer(a));
            }
        }
    }

    @Override
    public void send(int to, Message message) {
        Peer peer = peers.get(to);
        if (peer == null) {
            inbox.unreachable(to, message);
            return;
        }
        try {
            peer.sender.execute(() -> peer.deliver(message));
        } catch (RejectedExecutionException e) {
            inbox.unreachable(to, message);
        }
    }

    /** True when the call failed by waiting out a timeout (a paused or overloaded peer), not by a refusal. */
    static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static void call(NodeService n, Message m) throws RemoteException {
        if (m instanceof Message.Election x) {
            n.election(x);
        } else if (m instanceof Message.Ok x) {
            n.ok(x);
        } else if (m instanceof Message.Coordinator x) {
            n.coordinator(x);
        } else if (m instanceof Message.Heartbeat x) {
            n.heartbeat(x);
        } else if (m instanceof Message.HeartbeatAck x) {
            n.heartbeatAck(x);
        } else if (m instanceof Message.Stale x) {
            n.stale(x);
        } else if (m instanceof Message.LockRequest x) {
            n.requestLock(x);
        } else if (m instanceof Message.LockGrant x) {
            n.grantLock(x);
        } else if (m instanceof Message.LockRelease x) {
            n.releaseLock(x);
        } else if (m instanceof Message.LockStateQuery x) {
            n.queryLockState(x);
        } else if (m instanceof Message.LockStateReport x) {
            n.reportLockState(x);
        }
    }

    @Override
    public void close() {
        peers.values().forEach(p -> p.sender.shutdownNow());
    }
}
