package shelf.timeline;

import java.time.Instant;
import java.util.Set;
import shelf.events.Event;
import shelf.events.EventTypes;

/**
 * Which events a diagram shows: a wall-time window, the parts of the protocol ({@code election}, {@code lock},
 * {@code library}; empty: all), and whether periodic traffic (heartbeats, acks, lease renewals) is shown. Starts,
 * stops, crashes and unreachable peers are shown in every part.
 *
 * @param since      the window's start, inclusive, or null
 * @param until      the window's end, inclusive, or null
 * @param parts      the parts to show; empty for all
 * @param heartbeats true to show heartbeats, their acks and lease renewals
 */
public record Selection(Instant since, Instant until, Set<String> parts, boolean heartbeats) {
    /** The parts {@code --only} knows. */
    public static final Set<String> PARTS = Set.of("election", "lock", "library");

    /** Everything but heartbeats. */
    public static final Selection DEFAULT = new Selection(null, null, Set.of(), false);

    public Selection {
        parts = Set.copyOf(parts);
        if (!PARTS.containsAll(parts)) {
            throw new IllegalArgumentException("--only takes " + String.join(", ", PARTS.stream().sorted().toList())
                    + "; got " + parts);
        }
    }

    /** True when the event's wall time is inside the window. */
    boolean inWindow(Event e) {
        return (since == null || e.ms() >= since.toEpochMilli()) && (until == null || e.ms() <= until.toEpochMilli());
    }

    /** True when the diagram shows {@code e}: in the window, of a chosen part, not hidden periodic traffic. */
    boolean shows(Event e) {
        if (!inWindow(e)) {
            return false;
        }
        String type = e.kind() == Event.Kind.LOCAL && EventTypes.UNREACHABLE.equals(e.type()) && e.detail() != null
                ? e.detail() : e.type(); // an unreachable peer belongs to the part of the message that did not arrive
        if (!heartbeats && EventTypes.PERIODIC.contains(type)) {
            return false;
        }
        String part = part(type);
        return parts.isEmpty() || part == null || parts.contains(part);
    }

    /** The part of the protocol a type belongs to, or null for those shown in every part (start, stop, crash). */
    private static String part(String type) {
        if (EventTypes.ELECTION.contains(type)) {
            return "election";
        } else if (EventTypes.LOCK.contains(type)) {
            return "lock";
        } else if (EventTypes.LIBRARY.contains(type)) {
            return "library";
        }
        return null;
    }
}
