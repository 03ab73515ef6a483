package shelf.timeline;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import shelf.events.Event;
import shelf.events.EventJson;
import shelf.events.EventTypes;

/**
 * A {@link Timeline} as one self-contained HTML page with an inline SVG space-time diagram (nothing to fetch: it opens
 * offline): a vertical lane per node, time flowing down; messages as arrows labelled with their type and epoch (and
 * token); a message never received as an arrow that stops short in a cross; starts, stops, crashes, gaps and restarts
 * on the lanes; coordinator terms shaded. Every dot and arrow has a tooltip with the event's clocks and wall time.
 */
public final class HtmlDiagram {
    static final int LANE_WIDTH = 190;
    static final int LEFT = 120;
    static final int TOP = 70;
    static final int ROW = 26;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final Map<String, String> COLORS = Map.ofEntries(Map.entry("ELECTION", "#1f6feb"),
            Map.entry("OK", "#1a7f37"), Map.entry("COORDINATOR", "#8250df"), Map.entry("STALE", "#cf222e"),
            Map.entry("HEARTBEAT", "#9aa0a6"), Map.entry("HEARTBEAT_ACK", "#9aa0a6"), Map.entry("LEASE_RENEWAL", "#9aa0a6"),
            Map.entry("LOCK_REQUEST", "#bc4c00"), Map.entry("LOCK_GRANT", "#d4a72c"), Map.entry("LOCK_RELEASE", "#6e7781"),
            Map.entry("LOCK_STATE_QUERY", "#0969da"), Map.entry("LOCK_STATE_REPORT", "#0969da"));

    /** What a local event says beside its dot. */
    private static final Map<String, Function<Event, String>> LOCAL_LABELS = Map.ofEntries(
            Map.entry(EventTypes.START, e -> "▶ start"),
            Map.entry(EventTypes.STOP, e -> "■ stop"),
            Map.entry(EventTypes.CRASH_REQUESTED, e -> "✖ crash requested"),
            Map.entry(EventTypes.ROLE, e -> "role " + e.detail() + (e.hasPeer() && !"COORDINATOR".equals(e.detail())
                    ? " of node " + e.peer() : "")),
            Map.entry(EventTypes.EPOCH, e -> "epoch " + e.epoch()),
            Map.entry(EventTypes.GRANT_GIVEN, e -> "grants t" + e.token() + " to node " + e.peer()),
            Map.entry(EventTypes.GRANT_TAKEN, e -> "holds t" + e.token()),
            Map.entry(EventTypes.RELEASED, e -> "releases t" + e.token()),
            Map.entry(EventTypes.LEASE_EXPIRED, e -> "lease t" + e.token() + " expired"),
            Map.entry(EventTypes.STORE_WRITE, e -> "writes under t" + e.token()),
            Map.entry(EventTypes.STALE_WRITE_REFUSED, e -> "store refused stale t" + e.token()),
            Map.entry(EventTypes.UNREACHABLE, e -> "node " + e.peer() + " unreachable (" + e.detail() + ")"));

    private final Timeline timeline;
    private final String title;
    private final StringBuilder out = new StringBuilder(1 << 20);
    private final Map<String, Timeline.Placed> placedReceipts = new HashMap<>();

    private HtmlDiagram(Timeline timeline, String title) {
        this.timeline = timeline;
        this.title = title;
        for (Timeline.Placed p : timeline.shown()) {
            if (p.event().kind() == Event.Kind.RECV && p.event().mid() != null) {
                placedReceipts.put(p.event().mid(), p);
            }
        }
    }

    /** The page for {@code timeline}; {@code summary} is a line under the title (what was read, the filters). */
    public static String render(Timeline timeline, String summary) {
        return new HtmlDiagram(timeline, summary).page();
    }

    private String page() {
        int width = LEFT + LANE_WIDTH * Math.max(1, timeline.nodes().size()) + 40;
        int height = TOP + ROW * (timeline.rows() + 1) + 20;
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Shelf timeline</title>\n<style>")
                .append("body{font:14px system-ui,sans-serif;margin:16px;color:#1f2328}")
                .append("svg text{font:11px ui-monospace,monospace}.lane{stroke:#d0d7de;stroke-width:2}")
                .append(".term{fill:#fff4c2}.mark{fill:#bc4c00}.lost{stroke:#cf222e;stroke-width:2}")
                .append(".hdr{font:bold 13px system-ui,sans-serif}.time{fill:#57606a}")
                .append("p.note{color:#57606a;max-width:60em}</style></head><body>\n")
                .append("<h1>Shelf timeline</h1>\n<p>").append(escape(title)).append("</p>\n")
                .append("<p class=\"note\">Time flows down; one lane per node. Events are ordered by their Lamport clocks, so a")
                .append(" message's receipt is always below its send, whatever the machines' wall clocks say. An arrow is a")
                .append(" message (type, e = epoch, t = fencing token); an arrow ending in &#x2716; was never received. Shaded:")
                .append(" a coordinator's term. Hover over a dot or an arrow for its clocks and time.</p>\n");
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\">\n")
                .append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\"")
                .append(" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"context-stroke\"/>")
                .append("</marker></defs>\n");
        terms();
        lanes(height);
        timeLabels();
        for (Timeline.Placed p : timeline.shown()) {
            event(p);
        }
        marks();
        out.append("</svg>\n</body></html>\n");
        return out.toString();
    }

    private int x(int node) {
        return LEFT + LANE_WIDTH * timeline.nodes().indexOf(node) + LANE_WIDTH / 2;
    }

    private static int y(int row) {
        return TOP + ROW * row + ROW / 2;
    }

    private void terms() {
        for (Timeline.Term t : timeline.terms()) {
            int top = y(t.from()) - ROW / 2;
            out.append("<rect class=\"term\" x=\"").append(x(t.node()) - 14).append("\" y=\"").append(top)
                    .append("\" width=\"28\" height=\"").append(y(t.to()) + ROW / 2 - top).append("\"><title>node ")
                    .append(t.node()).append(" coordinates epoch ").append(t.epoch()).append("</title></rect>\n");
        }
    }

    private void lanes(int height) {
        for (int node : timeline.nodes()) {
            int x = x(node);
            out.append("<text class=\"hdr\" x=\"").append(x).append("\" y=\"").append(TOP - 30)
                    .append("\" text-anchor=\"middle\">node ").append(node).append("</text>\n")
                    .append("<line class=\"lane\" x1=\"").append(x).append("\" y1=\"").append(TOP - 20).append("\" x2=\"")
                    .append(x).append("\" y2=\"").append(height - 10).append("\"/>\n");
        }
    }

    /** The wall time of a row's first event, every few rows, down the left margin. */
    private void timeLabels() {
        int lastLabelled = -10;
        for (Timeline.Placed p : timeline.shown()) {
            if (p.row() >= lastLabelled + 6) {
                lastLabelled = p.row();
                out.append("<text class=\"time\" x=\"6\" y=\"").append(y(p.row()) + 4).append("\">")
                        .append(CLOCK.format(Instant.ofEpochMilli(p.event().ms()))).append("</text>\n");
            }
        }
    }

    private void event(Timeline.Placed p) {
        Event e = p.event();
        int x = x(e.node());
        int y = y(p.row());
        if (e.kind() == Event.Kind.SEND) {
            send(p);
        } else if (e.kind() == Event.Kind.RECV && timeline.placedSend(e.mid()) == null) {
            stub(e, x, y); // its send is not shown: outside the window, or not recorded
        }
        out.append("<circle cx=\"").append(x).append("\" cy=\"").append(y).append("\" r=\"").append(e.isMessage() ? 3 : 5)
                .append("\" fill=\"").append(e.isMessage() ? color(e.type()) : localColor(e.type())).append("\"><title>")
                .append(escape(tooltip(e))).append("</title></circle>\n");
        if (!e.isMessage()) {
            text(x + 9, y + 4, localLabel(e), localColor(e.type()));
        }
    }

    private void send(Timeline.Placed p) {
        Event e = p.event();
        int x1 = x(e.node());
        int y1 = y(p.row());
        Timeline.Placed receipt = placedReceipts.get(e.mid());
        String color = color(e.type());
        String label = messageLabel(e);
        if (receipt != null) {
            int x2 = x(receipt.event().node());
            int y2 = y(receipt.row());
            if (x2 == x1) { // to itself: a loop to the right
                out.append("<path d=\"M").append(x1).append(',').append(y1).append(" C").append(x1 + 40).append(',')
                        .append(y1).append(' ').append(x1 + 40).append(',').append(y2).append(' ').append(x1 + 4).append(',')
                        .append(y2).append("\" fill=\"none\" stroke=\"").append(color).append("\" marker-end=\"url(#arrow)\">");
            } else {
                line(x1, y1, x2, y2, color, "");
            }
            out.append("<title>").append(escape(label + " · " + tooltip(e))).append("</title>")
                    .append(x2 == x1 ? "</path>\n" : "</line>\n");
            text((x1 + x2) / 2 + (x2 == x1 ? 44 : 0), (y1 + y2) / 2 - 3, label, color);
        } else if (e.hasPeer() && timeline.nodes().contains(e.peer()) && timeline.receiptOf(e) != null) {
            int x2 = x1 + (x(e.peer()) - x1) / 3; // received outside what is shown
            line(x1, y1, x2, y1 + ROW / 2, color, " stroke-dasharray=\"4 3\"");
            out.append("<title>").append(escape(label + " (received outside this view) · " + tooltip(e)))
                    .append("</title></line>\n");
        } else {
            lost(e, x1, y1, label, color);
        }
    }

    /** A send no node recorded receiving: an arrow that stops short of the peer's lane, in a cross. */
    private void lost(Event e, int x1, int y1, String label, String color) {
        int target = e.hasPeer() && timeline.nodes().contains(e.peer()) ? x(e.peer()) : x1 + LANE_WIDTH;
        int x2 = x1 + (int) ((target - x1) * 0.6);
        int y2 = y1 + ROW;
        String why = timeline.reportedUnreachable(e) ? "unreachable" : "never received";
        line(x1, y1, x2, y2, color, " stroke-dasharray=\"5 3\"");
        out.append("<title>").append(escape(label + " — " + why + " · " + tooltip(e))).append("</title></line>\n");
        out.append("<path class=\"lost\" d=\"M").append(x2 - 5).append(',').append(y2 - 5).append("l10,10m0,-10l-10,10\"/>\n");
        text((x1 + x2) / 2, (y1 + y2) / 2 - 3, label + " ✖ " + why, "#cf222e");
    }

    /** A receipt whose send is not shown: a short arrow from the sender's side. */
    private void stub(Event e, int x, int y) {
        int from = e.hasPeer() && timeline.nodes().contains(e.peer()) ? x(e.peer()) : x - LANE_WIDTH;
        int x1 = x + (from - x) / 3;
        line(x1, y - ROW / 2, x, y, color(e.type()), " stroke-dasharray=\"4 3\"");
        out.append("<title>").append(escape(messageLabel(e) + " (sent outside this view) · " + tooltip(e)))
                .append("</title></line>\n");
    }

    private void line(int x1, int y1, int x2, int y2, String color, String extra) {
        out.append("<line x1=\"").append(x1).append("\" y1=\"").append(y1).append("\" x2=\"").append(x2).append("\" y2=\"")
                .append(y2).append("\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"")
                .append(extra).append('>');
    }

    private void marks() {
        for (Timeline.Mark m : timeline.marks()) {
            int y = y(m.row()) - ROW / 2 + 2;
            out.append("<path class=\"mark\" d=\"M").append(x(m.node()) - 8).append(',').append(y).append("h16\"")
                    .append(" stroke=\"#bc4c00\" stroke-width=\"3\"/>\n");
            text(x(m.node()) - LANE_WIDTH / 2 + 4, y - 2, "⚠ " + m.text(), "#bc4c00");
        }
    }

    private void text(int x, int y, String text, String color) {
        out.append("<text x=\"").append(x).append("\" y=\"").append(y).append("\" fill=\"").append(color).append("\">")
                .append(escape(text)).append("</text>\n");
    }

    static String messageLabel(Event e) {
        StringBuilder b = new StringBuilder(e.type());
        if (e.epoch() != Event.NO_EPOCH) {
            b.append(" e").append(e.epoch());
        }
        if (e.token() != null) {
            b.append(" t").append(e.token());
        }
        return b.toString();
    }

    private static String localLabel(Event e) {
        Function<Event, String> label = LOCAL_LABELS.get(e.type());
        return label != null ? label.apply(e) : e.type() + (e.detail() == null ? "" : " " + e.detail());
    }

    private static String color(String type) {
        return COLORS.getOrDefault(type, "#57606a");
    }

    private static String localColor(String type) {
        return switch (type) {
            case EventTypes.START -> "#1a7f37";
            case EventTypes.STOP, EventTypes.CRASH_REQUESTED, EventTypes.STALE_WRITE_REFUSED, EventTypes.LEASE_EXPIRED ->
                    "#cf222e";
            case EventTypes.ROLE, EventTypes.EPOCH -> "#8250df";
            default -> "#57606a";
        };
    }

    private static String tooltip(Event e) {
        return "node " + e.node() + " " + e.kind().wire() + " " + e.type() + (e.hasPeer() ? " peer " + e.peer() : "")
                + (e.mid() == null ? "" : " mid " + e.mid()) + " · lc " + e.lc() + " vc " + e.vc() + " · "
                + EventJson.TIME.format(Instant.ofEpochMilli(e.ms())) + (e.detail() == null ? "" : " · " + e.detail());
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
