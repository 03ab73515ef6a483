package shelf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import shelf.protocol.Message;

/** The simulated network's firewall, on endpoints that only record what reaches them. */
class SimNetworkTest {
    private static final long RPC_TIMEOUT_MICROS = 100_000;

    private final Simulation sim = new Simulation(1);
    private final Map<Integer, Recorder> nodes = new HashMap<>();
    private final SimNetwork network = new SimNetwork(sim, List.of(1, 2, 3), RPC_TIMEOUT_MICROS, nodes::get);

    /** A node that notes each message it receives and each failure report it hears, with the time. */
    private final class Recorder implements SimNetwork.Endpoint {
        ProcessState state = ProcessState.UP;
        final List<String> log = new ArrayList<>();

        @Override
        public ProcessState state() {
            return state;
        }

        @Override
        public void receive(Message m) {
            log.add("got " + m.type() + " from " + m.from() + " at " + sim.nowMicros());
        }

        @Override
        public void undeliverable(int peer, Message m) {
            log.add("lost " + m.type() + " to " + peer + " at " + sim.nowMicros());
        }
    }

    SimNetworkTest() {
        for (int id = 1; id <= 3; id++) {
            nodes.put(id, new Recorder());
        }
    }

    /** Node {@code from} sends an ELECTION to {@code to}; returns what {@code to} got and what {@code from} heard. */
    private List<String> exchange(int from, int to) {
        nodes.values().forEach(n -> n.log.clear());
        network.send(from, to, new Message.Election(from, 1));
        sim.runFor(1_000);
        List<String> seen = new ArrayList<>(nodes.get(to).log);
        seen.addAll(nodes.get(from).log);
        return seen.stream().map(line -> line.replaceAll(" at \\d+$", "")).toList();
    }

    @Test
    void aBlockedLinkIsOneWayAndReportedAfterTheRpcTimeout() {
        network.block(1, 2);
        assertEquals(List.of("lost ELECTION to 2"), exchange(1, 2));
        assertEquals(List.of("got ELECTION from 2"), exchange(2, 1));
        network.unblock(1, 2);
        assertEquals(List.of("got ELECTION from 1"), exchange(1, 2));
    }

    @Test
    void aSplitCutsEveryLinkBetweenSidesUntilHealed() {
        network.split(Set.of(1), Set.of(2));
        assertEquals(List.of("lost ELECTION to 2"), exchange(1, 2));
        assertEquals(List.of("lost ELECTION to 3"), exchange(1, 3), "a node named in no side is on a side of its own");
        assertEquals(List.of("lost ELECTION to 3"), exchange(2, 3));
        network.heal();
        assertEquals(List.of("got ELECTION from 1"), exchange(1, 3));
    }

    @Test
    void aCrashedNodeRefusesAtOnceAndAPausedOneTimesOut() {
        nodes.get(2).state = ProcessState.CRASHED;
        network.send(1, 2, new Message.Election(1, 1));
        sim.runFor(1_000);
        assertEquals(List.of("lost ELECTION to 2 at " + SimNetwork.REFUSED_MICROS), nodes.get(1).log);
        nodes.get(3).state = ProcessState.PAUSED;
        nodes.get(1).log.clear();
        long sent = sim.nowMicros();
        network.send(1, 3, new Message.Election(1, 1));
        sim.runFor(1_000);
        assertEquals(List.of("lost ELECTION to 3 at " + (sent + RPC_TIMEOUT_MICROS)), nodes.get(1).log);
    }

    @Test
    void aSlowLinkDelaysItsMessagesAndPastTheRpcTimeoutTheSenderHearsOfIt() {
        network.slow(1, 2, 10_000);
        network.send(1, 2, new Message.Election(1, 1));
        sim.runFor(1);
        assertEquals(List.of(), nodes.get(2).log, "not there after 1 ms");
        sim.runFor(20);
        assertEquals(1, nodes.get(2).log.size());
        network.slow(1, 2, 2 * RPC_TIMEOUT_MICROS);
        assertEquals(List.of("got ELECTION from 1", "lost ELECTION to 2"), exchange(1, 2), "ran, but the call timed out");
        network.slow(1, 2, 0);
        assertEquals(List.of("got ELECTION from 1"), exchange(1, 2));
    }

    @Test
    void aRuleActsOnTheMessagesItSelectsAsManyTimesAsAskedAndCountsThemAll() {
        SimNetwork.Rule dropToTwo = network.drop((to, m) -> to == 2).times(1);
        assertEquals(List.of(), exchange(1, 2), "dropped without a word");
        assertEquals(List.of("got ELECTION from 1"), exchange(1, 2));
        assertEquals(List.of("got ELECTION from 1"), exchange(1, 3));
        assertEquals(2, dropToTwo.matched());
        SimNetwork.Rule failToThree = network.fail((to, m) -> to == 3);
        assertEquals(List.of("lost ELECTION to 3"), exchange(1, 3));
        network.remove(failToThree);
        assertEquals(List.of("got ELECTION from 1"), exchange(1, 3));
    }

    @Test
    void theRatesLoseAndDuplicateMessages() {
        network.dropRate(1);
        assertEquals(List.of(), exchange(1, 2));
        network.dropRate(0);
        network.duplicateRate(1);
        assertEquals(List.of("got ELECTION from 1", "got ELECTION from 1"), exchange(1, 2));
    }
}
