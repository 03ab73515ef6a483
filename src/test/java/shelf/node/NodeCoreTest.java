package shelf.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import shelf.api.NodeStatus;
import shelf.config.ClusterConfig;
import shelf.election.EpochStore;
import shelf.election.Epochs;
import shelf.election.Role;
import shelf.events.Event;
import shelf.events.EventSink;
import shelf.events.EventTypes;
import shelf.fencing.FencingToken;
import shelf.lock.LockPhase;
import shelf.protocol.Message;
import shelf.protocol.Scheduler;
import shelf.protocol.Transport;

/** NodeCore on virtual time with a recording transport: every message type is routed, leases are renewed. */
class NodeCoreTest {
    /** Virtual time: tasks run in time order when the test advances the clock, on the test's thread. */
    private static final class VirtualScheduler implements Scheduler {
        private record Timed(long at, long seq, Runnable task) {
        }

        private final PriorityQueue<Timed> queue = new PriorityQueue<>((a, b) ->
                a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
        private long now;
        private long seq;
        /** How many tasks have started; the number of the one running, while one runs. */
        private long tasksRun;
        private boolean running;

        @Override
        public long now() {
            return now;
        }

        @Override
        public void execute(Runnable task) {
            queue.add(new Timed(now, seq++, task));
        }

        @Override
        public void schedule(long delayMs, Runnable task) {
            queue.add(new Timed(now + delayMs, seq++, task));
        }

        @Override
        public boolean inTask() {
            return running;
        }

        void runFor(long millis) {
            long until = now + millis;
            while (!queue.isEmpty() && queue.peek().at <= until) {
                Timed next = queue.poll();
                now = Math.max(now, next.at);
                tasksRun++;
                running = true;
                try {
                    next.task.run();
                } finally {
                    running = false;
                }
            }
            now = until;
        }
    }

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final List<Message> sent = new ArrayList<>();
    /** For each message sent, the number of the task that sent it. */
    private final List<Long> sentInTask = new ArrayList<>();
    private final LibraryWriter noWrites = (token, batch, listener) -> {
        throw new AssertionError("no writes expected");
    };

    private NodeCore node(int self, int size) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            lines.add("node." + id + "=127.0.0.1:" + (40000 + id));
        }
        lines.addAll(List.of("heartbeat.interval.ms=50", "failure.timeout.ms=250", "lease.ms=500"));
        Transport transport = (to, m) -> {
            sent.add(m);
            sentInTask.add(scheduler.tasksRun);
        };
        return new NodeCore(self, ClusterConfig.parse(lines, "test"), scheduler, transport, new EpochStore.InMemory(),
                noWrites, 1_000);
    }

    @Test
    void aMessageThatArrivesBeforeTheElectionStartsComesAfterTheRunsStartEvent() throws Exception {
        List<Event> recorded = new ArrayList<>();
        EventSink sink = recorded::add;
        ClusterConfig config = ClusterConfig.parse(List.of("node.1=127.0.0.1:40001", "node.2=127.0.0.1:40002"), "test");
        NodeCore core = new NodeCore(2, config, scheduler, (to, m) -> sent.add(m), new EpochStore.InMemory(), noWrites,
                1_000, new EventRecorder(2, config.ids(), sink, () -> 0, Optional.empty()));
        core.open(); // as a node does before it listens
        scheduler.runFor(1);
        core.deliver(new Message.Election(1, 0)); // a peer's, while this node still warms up
        scheduler.runFor(1);
        core.start();
        scheduler.runFor(10);

        List<String> types = recorded.stream().map(Event::type).toList();
        assertEquals(EventTypes.START, types.get(0), types.toString());
        assertTrue(types.size() > 1, "the ELECTION's receipt is recorded after it: " + types);
        assertEquals(1, types.stream().filter(EventTypes.START::equals).count(), "one START a run: " + types);
    }

    @Test
    void aNodeThatHearsTheCoordinatorWhileItWarmsUpFollowsItWithoutAnElection() throws Exception {
        NodeCore core = node(2, 3);
        core.open();
        core.deliver(new Message.Coordinator(3, 13)); // node 3 won while this node's TLS still warmed up
        scheduler.runFor(1);
        core.start();
        scheduler.runFor(10);

        assertEquals(Role.FOLLOWER, core.termNow().role());
        assertEquals(3, status(core).coordinator());
        assertEquals(13, status(core).epoch());
        assertTrue(sent.stream().noneMatch(m -> Message.Stamped.payload(m) instanceof Message.Election),
                "no ELECTION to a coordinator already followed: " + sent);
    }

    @Test
    void aNodeThatHearsALowerCoordinatorWhileItWarmsUpStillBulliesIt() throws Exception {
        NodeCore core = node(2, 3);
        core.open();
        core.deliver(new Message.Coordinator(1, 11));
        scheduler.runFor(1);
        core.start();
        scheduler.runFor(10);

        assertTrue(sent.stream().anyMatch(m -> Message.Stamped.payload(m) instanceof Message.Election),
                "a higher node elects itself over a lower coordinator: " + sent);
    }

    private NodeStatus status(NodeCore core) {
        return core.statusNow();
    }

    @Test
    void everyMessageTypeIsRoutedToARoleAndShowsItsSenderAlive() throws Exception {
        NodeCore core = node(2, 3);
        FencingToken token = new FencingToken(1, 1);
        List<Message> oneOfEach = List.of(new Message.LockRequest(1, 0, 1), new Message.LockGrant(3, 0, 1, token, 500, 2_000),
                new Message.LockRelease(1, 0, token), new Message.LeaseRenewal(1, 0, token), new Message.Heartbeat(1, 0),
                new Message.HeartbeatAck(3, 0), new Message.Election(1, 0),
                new Message.Stamped(new Message.Ok(3, 0), 7, new long[] {0, 0, 7}, 1), // unwrapped, then routed
                new Message.Coordinator(3, 0), new Message.Stale(3, 0, 3), new Message.LockStateQuery(3, 0, 2_000),
                new Message.LockStateReport(1, 0, null, 0, 0));
        Set<Class<?>> types = new HashSet<>();
        oneOfEach.forEach(m -> types.add(m.getClass()));
        oneOfEach.forEach(m -> types.add(Message.Stamped.payload(m).getClass()));
        assertEquals(Set.of(Message.class.getPermittedSubclasses()), types, "a new message type needs a route in NodeCore");

        oneOfEach.forEach(core::deliver);
        scheduler.runFor(1);

        Map<String, Long> counters = status(core).counters();
        for (Message m : oneOfEach) {
            assertEquals(1L, counters.get("received." + m.type()), m.type());
        }
        assertEquals(List.of(1, 3), status(core).peersAlive());
    }

    @Test
    void aMessageFromAnUnknownSenderIsRefusedBeforeAnyRoleAndDoesNotCountAsHeardFrom() throws Exception {
        NodeCore core = node(2, 3);
        core.deliver(new Message.Heartbeat(9, 0));
        scheduler.runFor(1);
        assertEquals(1L, status(core).counters().get("rejected.unknown-sender"));
        assertEquals(List.of(), status(core).peersAlive());
    }

    @Test
    void aMessageWithAnEpochOutsideTheRangeIsRefusedBeforeAnyRoleAndDoesNotCountAsHeardFrom() throws Exception {
        NodeCore core = node(2, 3);
        core.deliver(new Message.Coordinator(3, Long.MAX_VALUE));
        core.deliver(new Message.Election(1, Epochs.CEILING + 1));
        core.deliver(new Message.Stale(3, -1, 3));
        scheduler.runFor(1);
        Map<String, Long> counters = status(core).counters();
        assertEquals(3L, counters.get("rejected.epoch-out-of-range"));
        assertNull(counters.get("received.COORDINATOR"));
        assertEquals(List.of(), status(core).peersAlive());
        assertTrue(sent.isEmpty(), "nothing answered: " + sent);
        assertEquals(-1, status(core).coordinator());
    }

    @Test
    void aHoldingCoordinatorRenewsItsOwnLeaseEveryHeartbeatWithoutTheElection() throws Exception {
        NodeCore core = node(1, 1);
        core.start();
        scheduler.runFor(100);
        assertEquals(Role.COORDINATOR, core.termNow().role());
        assertEquals(LockPhase.SERVING, core.termNow().lockPhase());

        CompletableFuture<FencingToken> held = core.holdLock(2_000); // four leases long
        scheduler.runFor(1_000);
        assertTrue(status(core).heldToken() != null);
        scheduler.runFor(1_100);
        assertTrue(held.isDone());
        assertEquals(0, status(core).lock().revocations(), "renewed while held");
        long renewals = status(core).counters().get("received.LEASE_RENEWAL");
        assertTrue(renewals >= 35 && renewals <= 41, "one renewal per 50 ms heartbeat for 2 s: " + renewals);
        assertTrue(sent.isEmpty(), "a one-node cluster sends nothing over the network: " + sent);
    }

    @Test
    void lockCyclesRunBackToBackThroughHolds() throws Exception {
        NodeCore core = node(1, 1);
        core.start();
        scheduler.runFor(100);
        CompletableFuture<long[]> cycles = LockCycles.run(core, 1_000);
        scheduler.runFor(1);
        assertTrue(cycles.isDone());
        assertEquals(1_000, cycles.join().length);
        assertTrue(Arrays.stream(cycles.join()).allMatch(ns -> ns > 0));
        assertEquals(1_000, status(core).lock().grants());
    }

    @Test
    void aFollowersNextLockCycleAsksInTheTaskThatReleasesSoBothLeaveTogether() throws Exception {
        NodeCore core = node(1, 2);
        core.deliver(new Message.Coordinator(2, 12));
        scheduler.runFor(1);
        CompletableFuture<long[]> cycles = LockCycles.run(core, 2);
        scheduler.runFor(1);
        Message.LockRequest first = lastSent(Message.LockRequest.class);
        core.deliver(new Message.LockGrant(2, 12, first.requestId(), new FencingToken(12, 1), 500, 2_000));
        scheduler.runFor(1);

        int release = indexOfLast(Message.LockRelease.class);
        int next = indexOfLast(Message.LockRequest.class);
        assertTrue(next > release, "the second cycle asked for the lock after the first released it: " + sent);
        assertEquals(sentInTask.get(release), sentInTask.get(next),
                "the release and the next request are sent by one task, so the transport can carry them in one call");
        core.deliver(new Message.LockGrant(2, 12, ((Message.LockRequest) sent.get(next)).requestId(),
                new FencingToken(12, 2), 500, 2_000));
        scheduler.runFor(1);
        assertEquals(2, cycles.getNow(new long[0]).length);
    }

    private <T extends Message> T lastSent(Class<T> type) {
        return type.cast(sent.get(indexOfLast(type)));
    }

    private int indexOfLast(Class<? extends Message> type) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (type.isInstance(sent.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " sent: " + sent);
    }
}
