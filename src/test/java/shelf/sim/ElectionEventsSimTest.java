package shelf.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import shelf.events.Event;
import shelf.events.EventTypes;
import shelf.timeline.Timeline;

/**
 * The events of a Bully election after the coordinator crashes, recorded by real NodeCores on virtual time: every
 * receipt has its send, which happened before it by the vector clocks (and the Lamport clocks); the new coordinator's
 * OK answers an ELECTION it received, and its COORDINATOR follows both; the causal order the timeline uses agrees.
 */
class ElectionEventsSimTest {
    @ParameterizedTest(name = "seed {0}")
    @Seeds(5)
    void anElectionsMessagesAreCausallyOrderedByTheirVectorClocks(long seed) {
        SimCluster c = new SimCluster(seed, 5);
        List<Event> events = Collections.synchronizedList(new ArrayList<>());
        c.recordEvents(events::add);
        c.startAll();
        assertTrue(c.sim.runUntil(c::agreed, 3_000), "seed " + seed + ": no first agreement");
        long before = c.status(4).epoch();
        c.crash(5);
        assertTrue(c.sim.runUntil(() -> c.agreed() && c.status(1).coordinator() == 4, 5_000), "seed " + seed
                + ": no agreement on node 4");
        c.sim.runFor(1_000); // the COORDINATOR behind the lock-state query that the others may have followed first

        Map<String, Event> sends = everySendHappenedBeforeItsReceipt(events, seed);
        Event coordinator = first(events, 4, Event.Kind.SEND, "COORDINATOR", e -> e.epoch() > before);
        Event ok = first(events, 4, Event.Kind.SEND, "OK", e -> e.vc().happenedBefore(coordinator.vc()));
        Event election = first(events, 4, Event.Kind.RECV, "ELECTION",
                e -> e.peer() == ok.peer() && e.vc().happenedBefore(ok.vc()));
        assertTrue(sends.get(election.mid()).vc().happenedBefore(election.vc()));
        for (int id = 1; id <= 3; id++) {
            Event heard = first(events, id, Event.Kind.RECV, "COORDINATOR", e -> e.epoch() == coordinator.epoch());
            assertTrue(coordinator.vc().isAtMost(heard.vc()), "node " + id + " heard COORDINATOR after it was sent");
        }
        List<Event> causal = new ArrayList<>(events);
        causal.sort(Timeline.CAUSAL);
        assertTrue(causal.indexOf(sends.get(election.mid())) < causal.indexOf(election));
        assertTrue(causal.indexOf(election) < causal.indexOf(ok));
        assertTrue(causal.indexOf(ok) < causal.indexOf(coordinator));
        first(events, 4, Event.Kind.LOCAL, EventTypes.ROLE, e -> "COORDINATOR".equals(e.detail())); // its new role
    }

    private static Map<String, Event> everySendHappenedBeforeItsReceipt(List<Event> events, long seed) {
        Map<String, Event> sends = events.stream().filter(e -> e.kind() == Event.Kind.SEND)
                .collect(Collectors.toMap(Event::mid, Function.identity()));
        for (Event r : events) {
            if (r.kind() == Event.Kind.RECV) {
                Event s = sends.get(r.mid());
                assertNotNull(s, "seed " + seed + ": a receipt without its send: " + r);
                assertEquals(s.type(), r.type());
                assertTrue(s.vc().happenedBefore(r.vc()) && s.lc() < r.lc(), "seed " + seed + ": " + s + " -> " + r);
            }
        }
        return sends;
    }

    /** The first event of {@code node} of this kind and type that {@code p} also accepts. */
    private static Event first(List<Event> events, int node, Event.Kind kind, String type, Predicate<Event> p) {
        return events.stream().filter(e -> e.node() == node && e.kind() == kind && e.type().equals(type)).filter(p)
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + type + " at node " + node));
    }
}
