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
                ? e.detail() : e.type();
        if (!heartbeats && EventTypes.PERIODIC.contains(type)) {
            return false;
        }
        if (parts.isEmpty()) {
            return true;
        }
        return parts.contains("election") && EventTypes.ELECTION.contains(type)
                || parts.contains("lock") && EventTypes.LOCK.contains(type)
                || parts.contains("library") && EventTypes.LIBRARY.contains(type)
                || !EventTypes.ELECTION.contains(type) && !EventTypes.LOCK.contains(type)
                && !EventTypes.LIBRARY.contains(type);
    }
}
