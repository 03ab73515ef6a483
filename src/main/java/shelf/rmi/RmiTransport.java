package shelf.rmi;

import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import java.rmi.server.RMIClientSocketFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.api.NodeService;
import shelf.config.ClusterConfig;
import shelf.config.NodeAddress;
import shelf.protocol.Message;
import shelf.protocol.Transport;

/**
 * The {@link Transport} over RMI: one sender thread per peer (so messages to a peer keep their order,
 * and a paused peer holds up only its own queue), each call bounded by the socket factory's timeouts.
 * Messages that queued up while a call was in flight (or while the sender woke up) go together in the
 * next call, {@link NodeService#deliver}: under load a lock release and the same node's next request,
 * or a grant and a heartbeat, cost one call instead of two; a lone message goes by its own method
 * ({@link PeerCalls}), but a lock request or grant always goes by {@code deliver}: the grant may come back in the
 * request's reply, the holder's release and next request in the grant's ({@link Replies}); the sender thread hands
 * what a reply carries to the node as if received. A failed call drops the cached stub and
 * reports each of its messages as unreachable.
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
    /** At most this many queued messages go in one call (well inside the serialization filter's limits). */
    private static final int MAX_BATCH = 64;

    private final int self;
    private final ClusterConfig config;
    private final RMIClientSocketFactory sockets;
    private final Transport.Inbox inbox;
    private final Map<Integer, Peer> peers = new HashMap<>();
    private final long downNanos;
    private final RateLimitedLog refusals = new RateLimitedLog(log);
    private volatile boolean closed;

    private final class Peer implements Runnable {
        final NodeAddress address;
        final BlockingQueue<Message> queue = new ArrayBlockingQueue<>(QUEUE_PER_PEER);
        final Thread sender;
        NodeService stub;
        boolean checkedMembership;
        volatile long downUntilNanos;

        Peer(NodeAddress address) {
            this.address = address;
            this.sender = new Thread(this, "node-" + self + "-to-" + address.id());
            this.sender.setDaemon(true);
        }

        /** The sender loop: waits for a message, then sends it with everything queued behind it in one call. */
        @Override
        public void run() {
            List<Message> batch = new ArrayList<>(MAX_BATCH);
            try {
                while (!closed) {
                    batch.add(queue.take());
                    queue.drainTo(batch, MAX_BATCH - 1);
                    try {
                        deliver(batch);
                    } catch (Error e) { // keep the peer's only sender alive, as an executor would replace it
                        log.error("node {}: sending to node {} failed", self, address.id(), e);
                        batch.forEach(m -> inbox.unreachable(address.id(), m));
                    }
                    batch.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void deliver(List<Message> batch) {
            if (System.nanoTime() < downUntilNanos) {
                batch.forEach(m -> inbox.unreachable(address.id(), m));
                return;
            }
            Message[] replies = null;
            try {
                NodeService node = stub();
                Message only = batch.size() == 1 ? batch.get(0) : null;
                if (only != null && !answeredInReply(only)) {
                    PeerCalls.send(node, batch.get(0));
                } else {
                    replies = node.deliver(batch.toArray(Message[]::new));
                }
            } catch (RemoteException | NotBoundException | RuntimeException e) {
                stub = null;
                if (timedOut(e)) {
                    downUntilNanos = System.nanoTime() + downNanos;
                }
                if (log.isDebugEnabled()) {
                    log.debug("node {}: call to node {} at {} failed: {}", self, address.id(), address, e.toString());
                }
                batch.forEach(m -> inbox.unreachable(address.id(), m));
                return;
            }
            if (replies != null && replies.length > 0) {
                received(replies);
            }
        }

        /** What the peer answered in the reply to a call ({@link Replies}): checked, then handed on as if it had called. */
        private void received(Message[] replies) {
            if (replies.length > Replies.MAX) {
                refusals.warn("replies " + address.id(), "node " + self + ": ignored a reply of " + replies.length
                        + " messages from node " + address.id() + " (at most " + Replies.MAX + ")");
                return;
            }
            for (Message m : replies) {
                if (m == null || m.from() != address.id()) {
                    refusals.warn("replies " + address.id(), "node " + self + ": ignored a message in a reply from node "
                            + address.id() + ": " + (m == null ? "null" : "it claims to be from node " + m.from()));
                } else {
                    inbox.deliver(m);
                }
            }
        }

        NodeService stub() throws RemoteException, NotBoundException {
            if (stub == null) {
                stub = Stubs.lookup(address, NodeService.class, sockets);
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

    public RmiTransport(int self, ClusterConfig config, RMIClientSocketFactory sockets, Transport.Inbox inbox) {
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
        peers.values().forEach(p -> p.sender.start());
    }

    /**
     * Queues {@code message} for its peer's sender thread, unless it answers a call that this thread is handling for that
     * peer right now: then it travels in the call's reply ({@link Replies}).
     */
    @Override
    public void send(int to, Message message) {
        if (Replies.offer(self, to, message)) {
            return;
        }
        Peer peer = peers.get(to);
        if (peer == null) {
            inbox.unreachable(to, message);
            return;
        }
        if (closed || !peer.queue.offer(message)) {
            inbox.unreachable(to, message);
        }
    }

    /**
     * True for a message that goes by {@code deliver} even alone, because its answer may come back in the reply: a lock
     * request's grant, and a grant's release with the holder's next request (so a contended handoff is one call, as a
     * follower's uncontended cycle is); a stamped message too (events on), whatever it carries.
     */
    static boolean answeredInReply(Message m) {
        return m instanceof Message.LockRequest || m instanceof Message.LockGrant || m instanceof Message.Stamped;
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

    @Override
    public void close() {
        closed = true;
        peers.values().forEach(p -> p.sender.interrupt());
    }
}
