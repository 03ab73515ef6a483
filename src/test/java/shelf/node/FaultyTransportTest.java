package shelf.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import shelf.api.Faults;
import shelf.protocol.Message;
import shelf.protocol.Scheduler;
import shelf.protocol.Transport;

/** The operator's faults in a node's transport, both ways, on a hand-driven clock. */
class FaultyTransportTest {
    private static final long RPC_TIMEOUT_MS = 100;

    /** A scheduler on a clock the test moves. */
    private static final class Clock implements Scheduler {
        long now;
        final TreeMap<Long, List<Runnable>> due = new TreeMap<>();

        @Override
        public long now() {
            return now;
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void schedule(long delayMs, Runnable task) {
            due.computeIfAbsent(now + delayMs, t -> new ArrayList<>()).add(task);
        }

        void advance(long ms) {
            long until = now + ms;
            while (!due.isEmpty() && due.firstKey() <= until) {
                var next = due.pollFirstEntry();
                now = next.getKey();
                next.getValue().forEach(Runnable::run);
            }
            now = until;
        }
    }

    /** What reached the wire, and what the node heard. */
    private final List<String> events = new ArrayList<>();
    private final Clock clock = new Clock();
    private final FaultSwitch faults = new FaultSwitch(1, new Random(7));
    private final Transport.Inbox node = new Transport.Inbox() {
        @Override
        public void deliver(Message m) {
            events.add(clock.now + " delivered from " + m.from());
        }

        @Override
        public void unreachable(int peer, Message m) {
            events.add(clock.now + " unreachable " + peer);
        }
    };
    private final Transport wire = (to, m) -> events.add(clock.now + " sent to " + to);
    private final FaultyTransport out = new FaultyTransport(wire, faults, clock, RPC_TIMEOUT_MS, node);
    private final Transport.Inbox in = FaultyTransport.inbound(node, faults);

    private static Message heartbeat(int from) {
        return new Message.Heartbeat(from, 1);
    }

    @Test
    void withoutFaultsMessagesPassBothWaysAtOnce() {
        out.send(2, heartbeat(1));
        in.deliver(heartbeat(2));
        assertEquals(List.of("0 sent to 2", "0 delivered from 2"), events);
    }

    @Test
    void aBlockedPeerIsNeitherSentToNorHeardAndLooksUnreachableAfterTheRpcTimeout() {
        faults.set(Faults.NONE.withBlocked(Set.of(2)));

        out.send(2, heartbeat(1));
        out.send(3, heartbeat(1));
        in.deliver(heartbeat(2));
        in.deliver(heartbeat(3));
        clock.advance(RPC_TIMEOUT_MS);

        assertEquals(List.of("0 sent to 3", "0 delivered from 3", "100 unreachable 2"), events);
    }

    @Test
    void aHundredPercentDropLosesEverythingBothWaysWithoutAWordAndNoneLosesNothing() {
        faults.set(Faults.NONE.withDropPercent(100));
        for (int i = 0; i < 50; i++) {
            out.send(2, heartbeat(1));
            in.deliver(heartbeat(2));
        }
        clock.advance(10 * RPC_TIMEOUT_MS);
        assertEquals(List.of(), events);
    }

    @Test
    void aDropPercentLosesAboutThatShareEachWay() {
        faults.set(Faults.NONE.withDropPercent(30));
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            out.send(2, heartbeat(1));
            in.deliver(heartbeat(2));
        }
        long sent = events.stream().filter(e -> e.contains("sent")).count();
        long delivered = events.stream().filter(e -> e.contains("delivered")).count();
        assertEquals(0.7 * n, sent, 0.05 * n);
        assertEquals(0.7 * n, delivered, 0.05 * n);
    }

    @Test
    void aDelayHoldsEachOutgoingMessageInOrderAndAPartitionMeanwhileStillApplies() {
        faults.set(Faults.NONE.withDelayMs(200));
        out.send(2, heartbeat(1));
        clock.advance(50);
        out.send(3, heartbeat(1));
        out.send(2, heartbeat(1));
        assertEquals(List.of(), events);

        clock.advance(150);
        assertEquals(List.of("200 sent to 2"), events);
        faults.set(faults.current().withBlocked(Set.of(2)));
        clock.advance(50 + RPC_TIMEOUT_MS);

        assertEquals(List.of("200 sent to 2", "250 sent to 3", "350 unreachable 2"), events);
    }

    @Test
    void aNodeCannotBlockItself() {
        assertThrows(IllegalArgumentException.class, () -> faults.set(Faults.NONE.withBlocked(Set.of(1))));
        assertEquals(Faults.NONE, faults.current());
    }
}
