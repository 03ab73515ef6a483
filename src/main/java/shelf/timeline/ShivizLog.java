package shelf.timeline;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import shelf.events.Event;
import shelf.events.EventJson;

/**
 * The shown events of a {@link Timeline} as a log ShiViz (https://distributedclocks.github.io/shiviz/) reads: two
 * lines per event, the event's text, then its host and vector clock as JSON. Paste it with the parser regex
 * {@value #REGEX}.
 *
 * <p>ShiViz wants each host's own entry to count 1, 2, 3… over the events it is given, with no gaps, and each clock to
 * be exactly what those events imply. A window, a filter, dropped or rotated-away events all leave gaps, so the clocks
 * are recomputed over the events shown, in their causal order: each event ticks its host, and a receipt first takes
 * the maximum with its send's clock when the send is shown. The events files' own clocks stay in the text.
 */
public final class ShivizLog {
    /** The parser regex to paste into ShiViz. */
    public static final String REGEX = "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})";

    private ShivizLog() {
    }

    /** The log. */
    public static String render(Timeline timeline) {
        StringBuilder out = new StringBuilder();
        Map<Integer, Map<String, Long>> now = new HashMap<>();
        Map<String, Map<String, Long>> sendClocks = new HashMap<>();
        for (Timeline.Placed p : timeline.shown()) {
            Event e = p.event();
            String host = "node" + e.node();
            Map<String, Long> clock = now.computeIfAbsent(e.node(), k -> new TreeMap<>());
            if (e.kind() == Event.Kind.RECV && e.mid() != null && sendClocks.containsKey(e.mid())) {
                sendClocks.get(e.mid()).forEach((h, v) -> clock.merge(h, v, Math::max));
            }
            clock.merge(host, 1L, Long::sum);
            if (e.kind() == Event.Kind.SEND && e.mid() != null) {
                sendClocks.put(e.mid(), new TreeMap<>(clock));
            }
            out.append(text(e)).append('\n').append(host).append(' ').append(json(clock)).append('\n');
        }
        return out.toString();
    }

    private static String text(Event e) {
        String what = switch (e.kind()) {
            case SEND -> "send " + HtmlDiagram.messageLabel(e) + " to node " + e.peer();
            case RECV -> "recv " + HtmlDiagram.messageLabel(e) + " from node " + e.peer();
            case LOCAL -> e.type() + (e.hasPeer() ? " node " + e.peer() : "") + (e.epoch() != Event.NO_EPOCH
                    ? " e" + e.epoch() : "") + (e.token() == null ? "" : " t" + e.token());
        };
        return EventJson.TIME.format(Instant.ofEpochMilli(e.ms())) + " " + what + (e.mid() == null ? "" : " mid " + e.mid())
                + (e.detail() == null ? "" : " (" + e.detail().replace('\n', ' ') + ")") + " lc " + e.lc() + " vc " + vector(e);
    }

    /** The recorded vector clock, without braces (they would confuse the regex's clock group). */
    private static String vector(Event e) {
        StringBuilder b = new StringBuilder("[");
        e.vc().entries().forEach((id, v) -> b.append(b.length() > 1 ? " " : "").append(id).append(':').append(v));
        return b.append(']').toString();
    }

    private static String json(Map<String, Long> clock) {
        StringBuilder b = new StringBuilder("{");
        clock.forEach((h, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(h).append("\":").append(v));
        return b.append('}').toString();
    }
}
