package shelf.rmi;

import java.io.IOException;
import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import java.rmi.server.RMIClientSocketFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.api.NodeService;
import shelf.config.ClusterConfig;
import shelf.config.NodeAddress;
import shelf.protocol.Batch;
import shelf.protocol.Message;
import shelf.protocol.Transport;
import shelf.util.RateLimitedLog;
import shelf.util.Texts;

/**
 * The {@link Transport} between nodes: a queue and a sender thread per peer, and at most one call to a peer at a time (so
 * messages to a peer keep their order), each call bounded by the socket factory's timeouts. A call is a frame on the
 * peer's channel ({@link PeerChannel}, {@link PeerFrames}: a batch and its reply, on RMI's port and sockets without RMI's
 * call around them), or, to a peer that does not speak frames, an RMI call of {@link NodeService}.
 * Messages that queued up while a call was in flight (or while the sender woke up) go together in the
 * next call, one {@link Batch}: under load a lock release and the same node's next request,
 * or a grant and a heartbeat, cost one call instead of two. Every call may come back with messages in its reply
 * ({@link Replies}): the grant in a request's, the holder's release and next request in the grant's; the sender
 * thread hands what a reply carries to the node as if received. (Over RMI a lone message other than a lock request
 * or grant goes by its own method, {@link PeerCalls}, whose reply carries nothing.) A failed call closes the channel
 * (or drops the cached stub) and reports each of its messages as unreachable.
 *
 * <p>What handling a reply sends to another peer is sent by the same thread, when no call to that peer is under way
 * ({@link #follow}): on a contended lock the coordinator's thread that reads one holder's release makes the grant call
 * to the next, so a handoff wakes no second thread there (BENCHMARKS.md: context switches per contended grant 8 → 4 → 2.3).
 * The price: while that thread calls another peer, its own peer's queue waits for that call — at most one RPC timeout,
 * should the other peer be paused — and it goes back to its own peer as soon as something is queued there.
 *
 * <p>After a call that timed out the peer is <em>down</em> for one RPC timeout: messages to it (queued or
 * new) are reported unreachable at once instead of each waiting out the timeout behind the others. A
 * refused connection (a dead peer, or one not started yet) fails fast by itself and opens no such window. The
 * first message after that period probes the peer again. Without this, a paused peer's queue of
 * heartbeats would delay an ELECTION to it by seconds. A message heard from the peer ({@link #hearing}) ends the
 * period, and a call that timed out after the peer was heard from since it began opens none: the peer is alive, only
 * slow (a node at start, its JIT and TLS warming up on a shared core), and its next message should be tried. Before,
 * a call to a starting coordinator that timed out made its followers' next heartbeat fail at once, and they elected
 * again after having heard from it.
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
    /** Set on a sender thread while it hands a reply to the node: the peers its sends queued for, unwoken. */
    private final ThreadLocal<List<Peer>> leftToThisThread = new ThreadLocal<>();
    private volatile boolean closed;

    private final class Peer implements Runnable {
        final NodeAddress address;
        final Thread sender;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition queued = lock.newCondition();
        private final ArrayDeque<Message> queue = new ArrayDeque<>();
        /** A call to this peer is under way (by its sender, or by another peer's that took its queue): guarded by lock. */
        private boolean calling;
        NodeService stub;
        boolean checkedMembership;
        volatile long downUntilNanos = System.nanoTime();
        /** When a message from the peer last arrived ({@link #hearing}); long ago at first. */
        volatile long heardNanos = System.nanoTime() - Long.MAX_VALUE / 2;
        /** The peer's frames ({@link PeerFrames}); null while it is known not to speak them, and RMI carries its calls. */
        PeerChannel frames;
        /** The log has said once that this peer does not speak frames. */
        boolean saidNotFramed;

        Peer(NodeAddress address) {
            this.address = address;
            this.frames = new PeerChannel(address, sockets);
            this.sender = new Thread(this, "node-" + self + "-to-" + address.id());
            this.sender.setDaemon(true);
        }

        /** The sender loop: waits for a message, then sends it with everything queued behind it in one call. */
        @Override
        public void run() {
            try {
                while (!closed) {
                    List<Message> batch;
                    lock.lock();
                    try {
                        while ((batch = claim()) == null) {
                            queued.await();
                        }
                    } finally {
                        lock.unlock();
                    }
                    follow(this, call(batch));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Queues {@code m}; wakes the sender unless {@code wake} is false (the current thread sends it itself). */
        boolean offer(Message m, boolean wake) {
            lock.lock();
            try {
                if (closed || queue.size() >= QUEUE_PER_PEER) {
                    return false;
                }
                queue.addLast(m);
                if (wake) {
                    queued.signal();
                }
                return true;
            } finally {
                lock.unlock();
            }
        }

        /** Wakes the sender for what is queued. */
        void wake() {
            lock.lock();
            try {
                queued.signal();
            } finally {
                lock.unlock();
            }
        }

        boolean nothingQueued() {
            lock.lock();
            try {
                return queue.isEmpty();
            } finally {
                lock.unlock();
            }
        }

        /** The next batch, taken for a call, unless a call is under way or nothing is queued (then null). Under lock. */
        private List<Message> claim() {
            if (calling || queue.isEmpty()) {
                return null;
            }
            calling = true;
            List<Message> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
            while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
                batch.add(queue.pollFirst());
            }
            return batch;
        }

        /** {@link #claim} from another thread. */
        List<Message> claimHere() {
            lock.lock();
            try {
                return claim();
            } finally {
                lock.unlock();
            }
        }

        /**
         * One call with {@code batch}, on this thread.
         *
         * @return the other peers that handling its reply queued messages for without waking their senders
         */
        List<Peer> call(List<Message> batch) {
            List<Peer> left = new ArrayList<>(2);
            try {
                deliver(batch, left);
            } catch (Error e) { // keep the peer's only sender alive, as an executor would replace it
                log.error("node {}: sending to node {} failed", self, address.id(), e);
                batch.forEach(m -> inbox.unreachable(address.id(), m));
            } finally {
                lock.lock();
                try {
                    calling = false;
                    if (!queue.isEmpty()) {
                        queued.signal();
                    }
                } finally {
                    lock.unlock();
                }
            }
            return left;
        }

        void deliver(List<Message> batch, List<Peer> left) {
            if (System.nanoTime() - downUntilNanos < 0) {
                batch.forEach(m -> inbox.unreachable(address.id(), m));
                return;
            }
            List<Message> replies = null;
            long began = System.nanoTime();
            try {
                if (frames != null) {
                    replies = framed(batch);
                } else {
                    NodeService node = stub();
                    Message only = batch.size() == 1 ? batch.get(0) : null;
                    if (only != null && !answeredInReply(only)) {
                        PeerCalls.send(node, batch.get(0));
                    } else {
                        replies = node.deliver(new Batch(batch)).messages();
                    }
                }
            } catch (IOException | NotBoundException | RuntimeException e) {
                failed(batch, e, began);
                return;
            }
            if (replies != null && !replies.isEmpty()) {
                leftToThisThread.set(left);
                try {
                    received(replies);
                } finally {
                    leftToThisThread.remove();
                }
            }
        }

        /** The call with {@code batch} that began at {@code began} failed: its messages are reported unreachable. */
        private void failed(List<Message> batch, Exception e, long began) {
            stub = null;
            if (frames == null) {
                frames = new PeerChannel(address, sockets); // the peer may speak frames when it is back
            }
            if (timedOut(e) && heardNanos - began < 0) { // heard from since the call began: slow, not gone
                downUntilNanos = System.nanoTime() + downNanos;
            }
            if (log.isDebugEnabled()) {
                log.debug("node {}: call to node {} at {} failed: {}", self, address.id(), address, e.toString());
            }
            batch.forEach(m -> inbox.unreachable(address.id(), m));
        }

        /**
         * One call over the peer's frames; a peer that does not speak them gets this batch and the later ones by RMI.
         *
         * @return what the peer answered in the reply
         */
        private List<Message> framed(List<Message> batch) throws IOException, NotBoundException {
            try {
                String membership = frames.open();
                if (membership != null) {
                    checkMembership(membership);
                }
            } catch (PeerChannel.NotFramed e) {
                if (!saidNotFramed) { // once per peer: it is asked again after each failure, and answers the same
                    saidNotFramed = true;
                    log.info("node {}: node {} at {} does not speak peer frames; calling it by RMI", self, address.id(),
                            address);
                } else {
                    log.debug("node {}: node {} at {} still does not speak peer frames", self, address.id(), address);
                }
                frames = null;
                return stub().deliver(new Batch(batch)).messages();
            }
            return frames.call(new Batch(batch)).messages();
        }

        /** What the peer answered in the reply to a call ({@link Replies}): checked, then handed on as if it had called. */
        private void received(List<Message> replies) {
            if (replies.size() > Replies.MAX) {
                refusals.warn("replies " + address.id(), "node " + self + ": ignored a reply of " + replies.size()
                        + " messages from node " + address.id() + " (at most " + Replies.MAX + ")");
                return;
            }
            for (Message m : replies) {
                if (m.from() != address.id()) { // a Batch holds no null: reading one refuses it
                    refusals.warn("replies " + address.id(), "node " + self + ": ignored a message in a reply from node "
                            + address.id() + ": it claims to be from node " + m.from());
                } else {
                    inbox.deliver(m);
                }
            }
        }

        NodeService stub() throws RemoteException, NotBoundException {
            if (stub == null) {
                stub = Stubs.lookup(address, NodeService.class, sockets);
                if (!checkedMembership) {
                    checkMembership(stub.membership());
                }
            }
            return stub;
        }

        /** Warns, once per peer, when its node list or its protocol's settings differ from this node's. */
        private void checkMembership(String theirs) {
            if (checkedMembership) {
                return;
            }
            checkedMembership = true;
            List<String> differences = config.differencesFrom(theirs);
            if (differences.remove("nodes")) {
                log.warn("node {}: node {} at {} runs with a different node list than {} (fingerprint {} vs {});"
                        + " start every node with the same file", self, address.id(), address, config.source(),
                        Texts.quoted(theirs.split(" ", 2)[0]), config.peerFingerprint().split(" ", 2)[0]);
            }
            if (!differences.isEmpty()) {
                log.warn("node {}: node {} at {} runs with other settings than {}: {}; start every node with the same file",
                        self, address.id(), address, config.source(), String.join(", ", differences));
            }
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
        List<Peer> left = leftToThisThread.get();
        if (!peer.offer(message, left == null)) {
            inbox.unreachable(to, message);
        } else if (left != null && !left.contains(peer)) {
            left.add(peer);
        }
    }

    /**
     * {@code inner}, noting each message's sender as heard from: a peer that was down after a timed-out call is tried
     * again at once. The messages must be authenticated ones (a peer's, by its certificate) for their sender to count.
     */
    public Transport.Inbox hearing(Transport.Inbox inner) {
        return new Transport.Inbox() {
            @Override
            public void deliver(Message m) {
                if (m != null) {
                    heard(m.from());
                }
                inner.deliver(m);
            }

            @Override
            public void unreachable(int peer, Message m) {
                inner.unreachable(peer, m);
            }
        };
    }

    /** A message from {@code peer} arrived: it is not down. */
    void heard(int from) {
        Peer peer = peers.get(from);
        if (peer != null) {
            peer.heardNanos = System.nanoTime();
            peer.downUntilNanos = peer.heardNanos;
        }
    }

    /**
     * After a call by {@code home}'s sender thread: what handling its reply queued for other peers. The first of them, if
     * no call to it is under way, is sent by this thread at once (under contention, the next holder's grant: the handoff
     * then wakes no other thread, and this thread follows the lock from holder to holder); the others' senders are
     * woken. This thread goes back to its own peer as soon as something waits for it there.
     */
    private void follow(Peer home, List<Peer> left) {
        List<Peer> next = left;
        while (!next.isEmpty()) {
            Peer first = next.get(0);
            for (int i = 1; i < next.size(); i++) {
                next.get(i).wake();
            }
            if (first == home) {
                return; // its own loop sends it
            }
            List<Message> batch = home.nothingQueued() && !closed ? first.claimHere() : null;
            if (batch == null) {
                first.wake();
                return;
            }
            next = first.call(batch);
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
        peers.values().forEach(p -> {
            PeerChannel channel = p.frames;
            if (channel != null) {
                channel.close(); // a call under way fails, as the interrupted sender's would
            }
        });
    }
}
