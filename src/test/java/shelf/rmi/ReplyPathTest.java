package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import shelf.api.NodeService;
import shelf.cluster.LocalCluster;
import shelf.config.ClusterConfig;
import shelf.fencing.FencingToken;
import shelf.protocol.Batch;
import shelf.protocol.Message;
import shelf.protocol.Transport;

/**
 * The lock cycle's one round trip over real RMI on loopback (issue 19): node 2's {@link NodeServiceImpl} hands back, in
 * the reply to node 1's call, the grant its protocol sent while handling the request on the calling thread; node 1's
 * {@link RmiTransport} hands it over on its sender thread, where the holder's release and next request are queued
 * together and go in the next call. The two protocols are stand-ins that answer on the thread that delivers, as an idle
 * node's {@code SerialScheduler} does.
 */
class ReplyPathTest {
    private static final int CYCLES = 20;

    private RmiTransport coordinatorOut;
    private RmiTransport followerOut;
    private Registry registry;
    private NodeService service;

    /** Counts {@link #deliver} calls and their sizes, around the real service. */
    private static final class CountingService implements NodeService {
        private final NodeService inner;
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        final AtomicInteger loneCalls = new AtomicInteger();

        CountingService(NodeService inner) {
            this.inner = inner;
        }

        @Override
        public Batch deliver(Batch batch) throws java.rmi.RemoteException {
            batches.add(batch.messages().size());
            return inner.deliver(batch);
        }

        private void lone() {
            loneCalls.incrementAndGet();
        }

        @Override
        public void election(Message.Election m) {
            lone();
        }

        @Override
        public void ok(Message.Ok m) {
            lone();
        }

        @Override
        public void coordinator(Message.Coordinator m) {
            lone();
        }

        @Override
        public void heartbeat(Message.Heartbeat m) {
            lone();
        }

        @Override
        public void heartbeatAck(Message.HeartbeatAck m) {
            lone();
        }

        @Override
        public void stale(Message.Stale m) {
            lone();
        }

        @Override
        public void requestLock(Message.LockRequest m) {
            lone();
        }

        @Override
        public void grantLock(Message.LockGrant m) {
            lone();
        }

        @Override
        public void releaseLock(Message.LockRelease m) {
            lone();
        }

        @Override
        public void renewLease(Message.LeaseRenewal m) {
            lone();
        }

        @Override
        public void queryLockState(Message.LockStateQuery m) {
            lone();
        }

        @Override
        public void reportLockState(Message.LockStateReport m) {
            lone();
        }

        @Override
        public String membership() throws java.rmi.RemoteException {
            return inner.membership();
        }
    }

    @AfterEach
    void close() throws Exception {
        if (followerOut != null) {
            followerOut.close();
        }
        if (coordinatorOut != null) {
            coordinatorOut.close();
        }
        if (service != null) {
            UnicastRemoteObject.unexportObject(service, true);
        }
        if (registry != null) {
            UnicastRemoteObject.unexportObject(registry, true);
        }
    }

    @Test
    void aFollowersCycleIsOneCallTheGrantInItsReplyAndTheReleaseRidesWithTheNextRequest() throws Exception {
        cycles(false);
    }

    /** With events on, NodeCore sends every message as a {@link Message.Stamped}: a lone stamped request too. */
    @Test
    void withEventsOnAStampedRequestAloneStillGetsItsGrantInTheReply() throws Exception {
        cycles(true);
    }

    /**
     * A grant that goes by callback (its request had queued behind another holder) is a {@code deliver} call too: the
     * holder's release and next request come back in its reply, so a contended handoff is one call, as a follower's
     * uncontended cycle is. Node 1's lock cycles answer on the RMI thread that delivers the grant, as an idle node does.
     */
    @Test
    void aGrantByCallbackGetsTheReleaseAndTheNextRequestBackInItsReply() throws Exception {
        List<Integer> ports = LocalCluster.freePorts(2);
        ClusterConfig config = ClusterConfig.parse(List.of("node.1=127.0.0.1:" + ports.get(0),
                "node.2=127.0.0.1:" + ports.get(1), "tls=off"), "test");
        List<String> answeredOn = new CopyOnWriteArrayList<>();
        List<Message> unreachable = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger grants = new AtomicInteger();
        Transport.Inbox lockServer = inbox(m -> { // the coordinator: grants each request, by a call of its own
            answeredOn.add(Thread.currentThread().getName());
            if (m instanceof Message.LockRequest r) {
                grantOrFinish(1, r.requestId(), grants, done);
            }
        }, unreachable);
        // node 1's lock cycles: release, and ask again at once (node 2 exports nothing: only a reply can carry them)
        Transport.Inbox holder = inbox(m -> releaseAndAskAgain(followerOut, 1, (Message.LockGrant) m), unreachable);
        coordinatorOut = new RmiTransport(2, config, new TimeoutClientSocketFactory(), lockServer);
        followerOut = new RmiTransport(1, config, new TimeoutClientSocketFactory(), holder);
        CountingService counted = new CountingService(new NodeServiceImpl(1, holder, config.peerFingerprint(),
                Access.off("node 1")));
        registry = LocateRegistry.createRegistry(ports.get(0));
        service = counted;
        registry.rebind(NodeService.NAME, UnicastRemoteObject.exportObject(counted, ports.get(0)));

        coordinatorOut.send(1, new Message.LockGrant(2, 0, 1, new FencingToken(0, grants.incrementAndGet()), 800, 2_000));

        assertTrue(done.await(60, TimeUnit.SECONDS), "grants: " + grants.get() + ", unreachable: " + unreachable);
        assertEquals(List.of(), unreachable);
        assertEquals(0, counted.loneCalls.get(), "no grant went by grantLock");
        assertEquals(java.util.Collections.nCopies(CYCLES, 1), counted.batches, "one call per grant");
        assertTrue(answeredOn.stream().allMatch("node-2-to-1"::equals),
                "every release and request came back in a grant's reply, to node 2's sender thread: " + answeredOn);
    }

    /**
     * Two holders take turns: each release that comes back in a grant's reply makes the coordinator grant the other, and
     * the thread that read that reply makes the grant call itself (no call to that node under way): one thread of node
     * 2 carries the lock from holder to holder, where each grant used to wake the next holder's sender thread.
     */
    @Test
    void underContentionTheThreadThatReadsAReleaseCallsTheNextHolder() throws Exception {
        List<Integer> ports = LocalCluster.freePorts(3);
        ClusterConfig config = ClusterConfig.parse(List.of("node.1=127.0.0.1:" + ports.get(0),
                "node.2=127.0.0.1:" + ports.get(1), "node.3=127.0.0.1:" + ports.get(2), "tls=off"), "test");
        List<String> answeredOn = new CopyOnWriteArrayList<>();
        List<Message> unreachable = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger grants = new AtomicInteger();
        Transport.Inbox lockServer = inbox(m -> { // the coordinator: a release hands the lock to the other holder
            if (m instanceof Message.LockRelease r) {
                answeredOn.add(Thread.currentThread().getName());
                grantOrFinish(r.from() == 1 ? 3 : 1, grants.get() + 1, grants, done);
            }
        }, unreachable);
        coordinatorOut = new RmiTransport(2, config, new TimeoutClientSocketFactory(), lockServer);
        List<RmiTransport> holders = new java.util.ArrayList<>();
        List<Registry> registries = new java.util.ArrayList<>();
        List<NodeService> exported = new java.util.ArrayList<>();
        try {
            for (int id : List.of(1, 3)) {
                RmiTransport[] out = new RmiTransport[1];
                Transport.Inbox holder = inbox(m -> releaseAndAskAgain(out[0], id, (Message.LockGrant) m), unreachable);
                out[0] = new RmiTransport(id, config, new TimeoutClientSocketFactory(), holder);
                holders.add(out[0]);
                Registry r = LocateRegistry.createRegistry(ports.get(id - 1));
                registries.add(r);
                NodeService serviceOfId = new NodeServiceImpl(id, holder, config.peerFingerprint(),
                        Access.off("node " + id));
                exported.add(serviceOfId);
                r.rebind(NodeService.NAME, UnicastRemoteObject.exportObject(serviceOfId, ports.get(id - 1)));
            }

            coordinatorOut.send(1, new Message.LockGrant(2, 0, 1, new FencingToken(0, grants.incrementAndGet()), 800, 2_000));

            assertTrue(done.await(60, TimeUnit.SECONDS), "grants: " + grants.get() + ", unreachable: " + unreachable);
            assertEquals(List.of(), unreachable);
            assertTrue(answeredOn.stream().allMatch("node-2-to-1"::equals),
                    "every release was read, and the next grant sent, by the thread that made the first call: " + answeredOn);
        } finally {
            holders.forEach(RmiTransport::close);
            for (NodeService e : exported) {
                UnicastRemoteObject.unexportObject(e, true);
            }
            for (Registry r : registries) {
                UnicastRemoteObject.unexportObject(r, true);
            }
        }
    }

    /** An inbox that hands each message to {@code onMessage} and keeps what could not be delivered. */
    private static Transport.Inbox inbox(java.util.function.Consumer<Message> onMessage, List<Message> unreachable) {
        return new Transport.Inbox() {
            @Override
            public void deliver(Message m) {
                onMessage.accept(m);
            }

            @Override
            public void unreachable(int peer, Message m) {
                unreachable.add(m);
            }
        };
    }

    /** Node 2 grants node {@code to} its next token, or ends the test after {@link #CYCLES} grants. */
    private void grantOrFinish(int to, long requestId, AtomicInteger grants, CountDownLatch done) {
        if (grants.get() < CYCLES) {
            FencingToken token = new FencingToken(0, grants.incrementAndGet());
            coordinatorOut.send(to, new Message.LockGrant(2, 0, requestId, token, 800, 2_000));
        } else {
            done.countDown();
        }
    }

    /** A holder's lock cycle on the thread that delivers its grant: release at once, and ask again. */
    private static void releaseAndAskAgain(RmiTransport out, int self, Message.LockGrant g) {
        out.send(2, new Message.LockRelease(self, 0, g.token()));
        out.send(2, new Message.LockRequest(self, 0, g.requestId() + 1));
    }

    private static Message stamped(Message m, boolean on, AtomicInteger seq) {
        return on ? new Message.Stamped(m, seq.incrementAndGet(), new long[] {seq.get(), seq.get()}, seq.get()) : m;
    }

    private void cycles(boolean stamp) throws Exception {
        AtomicInteger seq = new AtomicInteger();
        List<Integer> ports = LocalCluster.freePorts(2);
        ClusterConfig config = ClusterConfig.parse(List.of("node.1=127.0.0.1:" + ports.get(0),
                "node.2=127.0.0.1:" + ports.get(1), "tls=off"), "test");
        List<String> grantThreads = new CopyOnWriteArrayList<>();
        List<Message> coordinatorUnreachable = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger counter = new AtomicInteger();
        Transport.Inbox lockServer = new Transport.Inbox() {
            @Override
            public void deliver(Message m) { // the coordinator's lock server, with the lock free: grants at once
                if (Message.Stamped.payload(m) instanceof Message.LockRequest r) {
                    coordinatorOut.send(1, stamped(new Message.LockGrant(2, 0, r.requestId(),
                            new FencingToken(0, counter.incrementAndGet()), 800, 2_000), stamp, seq));
                }
            }

            @Override
            public void unreachable(int peer, Message m) {
                coordinatorUnreachable.add(m);
            }
        };
        coordinatorOut = new RmiTransport(2, config, new TimeoutClientSocketFactory(), lockServer);
        CountingService counted = new CountingService(new NodeServiceImpl(2, lockServer,
                config.peerFingerprint(), Access.off("node 2")));
        registry = LocateRegistry.createRegistry(ports.get(1));
        service = counted;
        registry.rebind(NodeService.NAME, UnicastRemoteObject.exportObject(counted, ports.get(1)));
        followerOut = new RmiTransport(1, config, new TimeoutClientSocketFactory(), new Transport.Inbox() {
            @Override
            public void deliver(Message m) { // the follower's lock cycles: release, and ask again at once
                Message.LockGrant g = (Message.LockGrant) Message.Stamped.payload(m);
                grantThreads.add(Thread.currentThread().getName());
                followerOut.send(2, stamped(new Message.LockRelease(1, 0, g.token()), stamp, seq));
                if (grantThreads.size() < CYCLES) {
                    followerOut.send(2, stamped(new Message.LockRequest(1, 0, g.requestId() + 1), stamp, seq));
                } else {
                    done.countDown();
                }
            }

            @Override
            public void unreachable(int peer, Message m) {
                throw new AssertionError("node 1 could not reach node 2: " + m);
            }
        });
        followerOut.send(2, stamped(new Message.LockRequest(1, 0, 1), stamp, seq));
        assertTrue(done.await(60, TimeUnit.SECONDS), "cycles done: " + grantThreads.size());
        assertEquals(List.of(), coordinatorUnreachable, "no grant went by a call of its own");
        assertTrue(grantThreads.stream().allMatch("node-1-to-2"::equals),
                "every grant was handed over by node 1's sender thread, from a reply: " + grantThreads);
        List<Integer> expected = new java.util.ArrayList<>(List.of(1));
        expected.addAll(java.util.Collections.nCopies(CYCLES - 1, 2));
        // the last release may follow alone (stamped, by deliver) after the last grant: only the cycles are counted
        assertEquals(expected, counted.batches.subList(0, Math.min(CYCLES, counted.batches.size())),
                "one call per cycle: the first request alone, then each release with the next request");
    }
}
