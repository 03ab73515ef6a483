package shelf.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import shelf.events.Event;
import shelf.events.EventTypes;

/**
 * The nodes' events merged into one space-time diagram: in causal order, each shown event on a row of its node's lane.
 *
 * <p>Order: by Lamport clock, then node id. A message's receipt has a higher Lamport clock than its send, and a node's
 * events increase along its lane, so this order never puts an effect before its cause, whatever the wall clocks say.
 * Rows: an event goes one row below the previous shown event of its lane, and a receipt also one row below its send,
 * so unrelated events of different nodes share rows and the diagram stays compact.
 *
 * <p>Sends and receipts are paired by message id ({@code mid}), looked up among all events, shown or not: a send without
 * a receipt anywhere was never received (or the receiver died before recording it).
 */
public final class Timeline {
    /** A silence this long on a node that otherwise records something every heartbeat is marked as a gap (a pause). */
    static final long GAP_MS = 1_500;

    /** An event on its row. */
    public record Placed(Event event, int row) {
    }

    /** A coordinator term on a lane: rows {@code from} to {@code to}, inclusive. */
    public record Term(int node, long epoch, int from, int to) {
    }

    /** A mark on a lane at a row: a gap in a node's events, or a restart without a stop (a crash). */
    public record Mark(int node, int row, String text) {
    }

    private final List<Integer> nodes;
    private final List<Placed> shown = new ArrayList<>();
    private final Map<String, Event> sends = new HashMap<>();
    private final Map<String, Event> receipts = new HashMap<>();
    private final Map<String, Event> unreachable = new HashMap<>();
    private final Map<String, Placed> placedSends = new HashMap<>();
    private final List<Term> terms = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();
    private final int total;
    private int rows;

    private Timeline(List<Event> all, Selection selection) {
        List<Event> ordered = new ArrayList<>(all);
        ordered.sort(CAUSAL);
        this.total = ordered.size();
        TreeSet<Integer> ids = new TreeSet<>();
        for (Event e : ordered) {
            ids.add(e.node());
            index(e);
        }
        this.nodes = List.copyOf(ids);
        place(ordered, selection);
        markLanes(ordered);
    }

    /** A causal order of events: Lamport clock, then node, then wall time. */
    public static final Comparator<Event> CAUSAL = Comparator.comparingLong(Event::lc).thenComparingInt(Event::node)
            .thenComparingLong(Event::ms);

    /** The diagram of {@code events} (any order, several nodes) as {@code selection} shows them. */
    public static Timeline of(List<Event> events, Selection selection) {
        return new Timeline(events, selection);
    }

    private void index(Event e) {
        if (e.mid() == null) {
            return;
        }
        if (e.kind() == Event.Kind.SEND) {
            sends.put(e.mid(), e);
        } else if (e.kind() == Event.Kind.RECV) {
            receipts.put(e.mid(), e);
        } else if (EventTypes.UNREACHABLE.equals(e.type())) {
            unreachable.put(e.mid(), e);
        }
    }

    private void place(List<Event> ordered, Selection selection) {
        Map<Integer, Integer> laneRow = new HashMap<>();
        for (Event e : ordered) {
            if (!selection.shows(e)) {
                continue;
            }
            int row = laneRow.getOrDefault(e.node(), -1) + 1;
            if (e.kind() == Event.Kind.RECV && e.mid() != null) {
                Placed send = placedSends.get(e.mid());
                if (send != null) {
                    row = Math.max(row, send.row() + 1);
                }
            }
            Placed p = new Placed(e, row);
            shown.add(p);
            laneRow.put(e.node(), row);
            rows = Math.max(rows, row + 1);
            if (e.kind() == Event.Kind.SEND && e.mid() != null) {
                placedSends.put(e.mid(), p);
            }
        }
    }

    /** Coordinator terms, gaps and crashes, found in every event of a lane and drawn at the rows of its shown events. */
    private void markLanes(List<Event> ordered) {
        Map<Integer, List<Event>> byNode = new HashMap<>();
        ordered.forEach(e -> byNode.computeIfAbsent(e.node(), k -> new ArrayList<>()).add(e));
        Map<Integer, List<Placed>> shownByNode = new HashMap<>();
        shown.forEach(p -> shownByNode.computeIfAbsent(p.event().node(), k -> new ArrayList<>()).add(p));
        for (Map.Entry<Integer, List<Event>> lane : byNode.entrySet()) {
            new LaneMarks(lane.getKey(), lane.getValue(), shownByNode.getOrDefault(lane.getKey(), List.of()), this).find();
        }
    }

    void addTerm(Term t) {
        terms.add(t);
    }

    void addMark(Mark m) {
        marks.add(m);
    }

    /** The nodes, one lane each, by id. */
    public List<Integer> nodes() {
        return nodes;
    }

    /** The events shown, in causal order, with their rows. */
    public List<Placed> shown() {
        return shown;
    }

    public List<Term> terms() {
        return terms;
    }

    public List<Mark> marks() {
        return marks;
    }

    /** How many rows the shown events take. */
    public int rows() {
        return rows;
    }

    /** How many events were read, shown or not. */
    public int total() {
        return total;
    }

    /** The receipt of the message a send sent, if any node recorded one. */
    public Event receiptOf(Event send) {
        return send.mid() == null ? null : receipts.get(send.mid());
    }

    /** The send of the message a receipt received, if its sender recorded it. */
    public Event sendOf(Event receipt) {
        return receipt.mid() == null ? null : sends.get(receipt.mid());
    }

    /** The shown send of a message, with its row, if it is shown. */
    public Placed placedSend(String mid) {
        return mid == null ? null : placedSends.get(mid);
    }

    /** True when the sender learned that the message could not be delivered. */
    public boolean reportedUnreachable(Event send) {
        return send.mid() != null && unreachable.containsKey(send.mid());
    }
}
