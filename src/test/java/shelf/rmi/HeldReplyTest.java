package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import shelf.protocol.Message;
import shelf.protocol.Transport;

/**
 * A contended handoff over real RMI on loopback (issue 19): two followers take turns on node 2's lock, and each grant
 * that finds its waiter queued travels in the reply to the waiter's own request call, held open for it
 * ({@link HeldReplies}), not in a call of the coordinator's. The followers export no service at all, so a grant sent by a
 * call of its own could not arrive: it would be reported unreachable, and the test fails (as it does with holding off).
 */
class HeldReplyTest {
    private static final int CYCLES = 100;

    private final List<RmiTransport> transports = new CopyOnWriteArrayList<>();
    private Registry registry;
    private NodeService service;

    /** A FIFO lock server that answers on the delivering thread, as an idle node's {@code SerialScheduler} does. */
    private static final class FifoLock implements Transport.Inbox {
        final Deque<Message.LockRequest> queue = new ArrayDeque<>();
        final List<Message> unreachable = new CopyOnWriteArrayList<>();
        final AtomicInteger queued = new AtomicInteger();
        RmiTransport out;
        private int holder = -1;
        private int tokens;

        @Override
        public synchronized void deliver(Message m) {
            if (m instanceof Message.LockRequest r) {
                queue.addLast(r);
                if (holder >= 0) {
                    queued.incrementAndGet();
                }
            } else if (m instanceof Message.LockRelease r && r.from() == holder) {
                holder = -1;
            }
            if (holder < 0 && !queue.isEmpty()) {
                Message.LockRequest next = queue.pollFirst();
                holder = next.from();
                out.send(next.from(), new Message.LockGrant(2, 0, next.requestId(), new FencingToken(0, ++tokens), 800));
            }
        }

        synchronized int waiting() {
            return queue.size();
        }

        @Override
        public void unreachable(int peer, Message m) {
            unreachable.add(m);
        }
    }

    @AfterEach
    void close() throws Exception {
        for (RmiTransport t : transports) {
            t.close();
        }
        if (service != null) {
            UnicastRemoteObject.unexportObject(service, true);
        }
        if (registry != null) {
            UnicastRemoteObject.unexportObject(registry, true);
        }
    }

    @Test
    void aQueuedRequestsCallIsHeldAndItsGrantComesInTheReply() throws Exception {
        List<Integer> ports = LocalCluster.freePorts(3);
        ClusterConfig config = ClusterConfig.parse(List.of("node.1=127.0.0.1:" + ports.get(0),
                "node.2=127.0.0.1:" + ports.get(1), "node.3=127.0.0.1:" + ports.get(2), "tls=off"), "test");
        FifoLock lock = new FifoLock();
        lock.out = transport(2, config, lock);
        long holdMs = TimeoutClientSocketFactory.readTimeoutMs() / 4; // far above a handoff, below the caller's timeout
        service = new NodeServiceImpl(2, lock, config.membershipFingerprint(), Access.off("node 2"), holdMs);
        registry = LocateRegistry.createRegistry(ports.get(1));
        registry.rebind(NodeService.NAME, UnicastRemoteObject.exportObject(service, ports.get(1)));

        Map<Integer, List<String>> grantThreads = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(2);
        List<String> problems = new CopyOnWriteArrayList<>();
        RmiTransport[] followers = new RmiTransport[4];
        for (int id : new int[] {1, 3}) {
            followers[id] = transport(id, config, new Transport.Inbox() {
                @Override
                public void deliver(Message m) { // hold the lock for no time: release, and ask again at once
                    Message.LockGrant g = (Message.LockGrant) m;
                    List<String> threads = grantThreads.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
                    threads.add(Thread.currentThread().getName());
                    if (id == 1 && threads.size() == 1) {
                        firstHoldUntilTheOtherWaits(followers[3], lock, problems); // at least one handoff to a waiter
                    }
                    followers[id].send(2, new Message.LockRelease(id, 0, g.token()));
                    if (threads.size() < CYCLES) {
                        followers[id].send(2, new Message.LockRequest(id, 0, g.requestId() + 1));
                    } else {
                        done.countDown();
                    }
                }

                @Override
                public void unreachable(int peer, Message m) {
                    problems.add("node " + id + " could not reach node " + peer + ": " + m);
                }
            });
        }
        followers[1].send(2, new Message.LockRequest(1, 0, 1));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.await(50, TimeUnit.MILLISECONDS) && lock.unreachable.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // until both are done, or a grant went astray
        }
        assertEquals(List.of(), lock.unreachable, "no grant went by a call of the coordinator's own");
        assertEquals(0, done.getCount(), "cycles done: " + grantThreads + "; " + problems);
        assertEquals(List.of(), problems);
        assertTrue(lock.queued.get() >= 1, "requests that found the lock held: " + lock.queued.get());
        Map<String, Long> counted = HeldReplies.counters(2);
        assertTrue(counted.get("reply.held.granted") >= 1, "node 2 counts the held calls a grant ended: " + counted);
        for (int id : new int[] {1, 3}) {
            assertTrue(grantThreads.get(id).stream().allMatch(("node-" + id + "-to-2")::equals),
                    "node " + id + "'s grants were all handed over by its sender thread, from replies: " + grantThreads.get(id));
        }
    }

    /** Node 3 asks while node 1 holds the first grant; node 1 keeps it until node 3's request waits in the queue. */
    private static void firstHoldUntilTheOtherWaits(RmiTransport node3, FifoLock lock, List<String> problems) {
        node3.send(2, new Message.LockRequest(3, 0, 1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lock.waiting() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        if (lock.waiting() == 0) {
            problems.add("node 3's request never queued");
        }
    }

    private RmiTransport transport(int id, ClusterConfig config, Transport.Inbox inbox) {
        RmiTransport t = new RmiTransport(id, config, new TimeoutClientSocketFactory(), inbox);
        transports.add(t);
        return t;
    }
}
