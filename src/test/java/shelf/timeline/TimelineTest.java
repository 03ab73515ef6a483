package shelf.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import shelf.events.Clocks;
import shelf.events.Event;
import shelf.events.EventTypes;

/** The diagram of synthetic events: sends paired with receipts, lost messages marked, filters, ShiViz's clocks. */
class TimelineTest {
    /** Builds events as nodes with real clocks would record them; wall times as given (they may disagree). */
    static final class Run {
        final List<Event> events = new ArrayList<>();
        private final Map<Integer, Clocks> clocks = new HashMap<>();
        private final Map<String, long[]> carried = new HashMap<>();
        private final Map<String, Long> carriedLamport = new HashMap<>();
        private int seq;

        private Clocks of(int node) {
            return clocks.computeIfAbsent(node, n -> new Clocks(List.of(1, 2, 3), n));
        }

        String send(long ms, int from, int to, String type, long epoch) {
            Clocks c = of(from);
            c.tick();
            String mid = from + "-" + ++seq;
            carried.put(mid, c.vector());
            carriedLamport.put(mid, c.lamport());
            events.add(new Event(ms, from, c.lamport(), c.snapshot(), Event.Kind.SEND, type, to, mid, epoch, null, null));
            return mid;
        }

        void receive(long ms, int at, int from, String mid, String type, long epoch) {
            Clocks c = of(at);
            c.receive(carriedLamport.get(mid), carried.get(mid));
            events.add(new Event(ms, at, c.lamport(), c.snapshot(), Event.Kind.RECV, type, from, mid, epoch, null, null));
        }

        void local(long ms, int at, String type, String detail, long epoch) {
            Clocks c = of(at);
            c.tick();
            events.add(new Event(ms, at, c.lamport(), c.snapshot(), Event.Kind.LOCAL, type, Event.NONE, null, epoch, null,
                    detail));
        }
    }

    /** Node 1 calls an election; node 2 answers OK; node 3 never gets its ELECTION; node 2 wins. Node 2's wall clock is
     * a minute behind. */
    static Run election() {
        Run r = new Run();
        r.local(1_000, 1, EventTypes.START, null, Event.NO_EPOCH);
        String toTwo = r.send(1_001, 1, 2, "ELECTION", 0);
        r.send(1_002, 1, 3, "ELECTION", 0); // lost
        r.receive(1_003 - 60_000, 2, 1, toTwo, "ELECTION", 0);
        String ok = r.send(1_004 - 60_000, 2, 1, "OK", 0);
        r.receive(1_005, 1, 2, ok, "OK", 0);
        String hb = r.send(1_006, 1, 2, "HEARTBEAT", 0);
        r.receive(1_007 - 60_000, 2, 1, hb, "HEARTBEAT", 0);
        r.local(1_008 - 60_000, 2, EventTypes.ROLE, "COORDINATOR", 1);
        String co = r.send(1_009 - 60_000, 2, 1, "COORDINATOR", 1);
        r.receive(1_010, 1, 2, co, "COORDINATOR", 1);
        r.local(1_011 - 60_000, 2, EventTypes.STORE_WRITE, null, 1);
        return r;
    }

    @Test
    void receiptsGoBelowTheirSendsEvenWhenWallClocksDisagree() {
        Timeline t = Timeline.of(election().events, Selection.DEFAULT);
        assertEquals(List.of(1, 2), t.nodes(), "node 3 recorded nothing, so it has no lane");
        Map<String, Integer> sendRows = new HashMap<>();
        for (Timeline.Placed p : t.shown()) {
            if (p.event().kind() == Event.Kind.SEND) {
                sendRows.put(p.event().mid(), p.row());
            } else if (p.event().kind() == Event.Kind.RECV) {
                assertTrue(p.row() > sendRows.get(p.event().mid()), "receipt below its send: " + p);
                assertNotNull(t.placedSend(p.event().mid()));
            }
        }
    }

    @Test
    void aSendNobodyReceivedIsDrawnAsLostAndHeartbeatsAreHiddenUnlessAsked() {
        Run run = election();
        Timeline t = Timeline.of(run.events, Selection.DEFAULT);
        Event lost = run.events.get(2);
        assertNull(t.receiptOf(lost));
        String html = HtmlDiagram.render(t, "test");
        assertTrue(html.contains("ELECTION e0 ✖ never received"), "the lost ELECTION is marked");
        assertFalse(html.contains("HEARTBEAT"), "heartbeats hidden");
        assertEquals(1, html.split("http").length - 1, "nothing fetched: the only URL is the SVG namespace");
        assertFalse(html.contains("<script src") || html.contains("<link"), "self-contained");
        String withHeartbeats = HtmlDiagram.render(Timeline.of(run.events, new Selection(null, null, Set.of(), true)), "t");
        assertTrue(withHeartbeats.contains("HEARTBEAT e0"));
    }

    @Test
    void aCoordinatorsTermIsShaded() {
        Timeline t = Timeline.of(election().events, Selection.DEFAULT);
        assertEquals(1, t.terms().size());
        assertEquals(2, t.terms().get(0).node());
        assertEquals(1, t.terms().get(0).epoch());
    }

    @Test
    void partsAndWindowsSelectEventsButStartsAlwaysShow() {
        Run run = election();
        Timeline library = Timeline.of(run.events, new Selection(null, null, Set.of("library"), false));
        assertEquals(Set.of(EventTypes.START, EventTypes.STORE_WRITE),
                Set.copyOf(library.shown().stream().map(p -> p.event().type()).toList()));
        Timeline window = Timeline.of(run.events, new Selection(Instant.ofEpochMilli(1_005), Instant.ofEpochMilli(1_010),
                Set.of(), false));
        assertEquals(List.of("OK", "COORDINATOR"), window.shown().stream().map(p -> p.event().type()).toList());
        String html = HtmlDiagram.render(window, "window");
        assertTrue(html.contains("sent outside this view"), "a receipt whose send is outside the window gets a stub");
        assertThrows(IllegalArgumentException.class, () -> new Selection(null, null, Set.of("elections"), false));
    }

    @Test
    void aRestartWithoutAStopAndALongSilenceAreMarkedOnTheLane() {
        Run r = new Run();
        r.local(0, 1, EventTypes.START, null, Event.NO_EPOCH);
        r.local(10, 1, EventTypes.ROLE, "FOLLOWER", 1);
        r.local(10 + Timeline.GAP_MS + 500, 1, EventTypes.EPOCH, null, 2);
        r.local(10 + Timeline.GAP_MS + 600, 1, EventTypes.START, null, Event.NO_EPOCH);
        Timeline t = Timeline.of(r.events, Selection.DEFAULT);
        List<String> marks = t.marks().stream().map(Timeline.Mark::text).toList();
        assertEquals(2, marks.size(), marks.toString());
        assertTrue(marks.get(0).startsWith("silent 2.0 s"), marks.toString());
        assertTrue(marks.get(1).startsWith("restarted after a crash"), marks.toString());
        // a sign the common fonts have (DejaVu Sans, as Debian's Chromium uses, has no U+23F8, drawn before as a box)
        assertTrue(HtmlDiagram.render(t, "t").contains(">⚠ restarted after a crash"), "the mark is drawn with its sign");
    }

    @Test
    void aNodesStartUpIsNotASilence() {
        Run r = new Run();
        r.local(0, 1, EventTypes.START, null, Event.NO_EPOCH); // recorded before it listens
        r.local(Timeline.GAP_MS + 500, 1, EventTypes.ROLE, "FOLLOWER", 1); // after its TLS warm-up
        assertEquals(List.of(), Timeline.of(r.events, Selection.DEFAULT).marks());
    }

    @Test
    void theShivizLogCountsEachHostFromOneWithoutGapsAndCarriesSendsIntoReceipts() {
        Run run = election();
        String log = ShivizLog.render(Timeline.of(run.events, Selection.DEFAULT)); // heartbeats hidden: gaps to close
        Matcher m = Pattern.compile("(?<event>.*)\\n(?<host>\\S*) (?<clock>\\{.*})").matcher(log);
        Map<String, Long> own = new HashMap<>();
        int count = 0;
        String lastClock = null;
        while (m.find()) {
            count++;
            String host = m.group("host");
            Matcher entry = Pattern.compile("\"" + host + "\":(\\d+)").matcher(m.group("clock"));
            assertTrue(entry.find());
            long value = Long.parseLong(entry.group(1));
            assertEquals(own.getOrDefault(host, 0L) + 1, value, "host " + host + " counts by one: " + m.group());
            own.put(host, value);
            lastClock = m.group("clock");
        }
        assertEquals(Timeline.of(run.events, Selection.DEFAULT).shown().size(), count);
        assertEquals("{\"node1\":2,\"node2\":5}", lastClock,
                "node 2 last heard of node 1 by its ELECTION (the heartbeat is hidden)");
        assertEquals("(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})", ShivizLog.REGEX);
    }

    @Test
    void timesAreIsoOrDurationsBackFromTheLastEvent() {
        Instant last = Instant.parse("2026-11-30T19:10:00Z");
        assertEquals(Instant.parse("2026-11-30T19:05:00Z"), TimeArgument.parse("5m").resolve(last));
        assertEquals(Instant.parse("2026-11-30T17:38:30Z"), TimeArgument.parse("1h31m30s").resolve(last));
        assertEquals(Instant.parse("2026-11-30T19:00:00Z"), TimeArgument.parse("2026-11-30T19:00:00Z").resolve(last));
        assertEquals(Instant.parse("2026-11-30T18:00:00Z"), TimeArgument.parse("2026-11-30T19:00:00+01:00").resolve(last));
        assertEquals(Instant.parse("2026-11-30T19:00:00Z"), TimeArgument.parse("2026-11-30T19:00").resolve(last));
        for (String bad : List.of("", "yesterday", "5 minutes", "-5m", "2026-13-01T00:00:00Z")) {
            assertThrows(IllegalArgumentException.class, () -> TimeArgument.parse(bad), bad);
        }
    }
}
