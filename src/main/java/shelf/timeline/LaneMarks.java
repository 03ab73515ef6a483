package shelf.timeline;

import java.util.List;
import java.util.Locale;
import shelf.events.Event;
import shelf.events.EventTypes;

/** Finds one lane's coordinator terms, gaps and crashes among all its events, and places them at its shown rows. */
final class LaneMarks {
    /** The role whose terms are shaded, as ROLE events name it. */
    private static final String COORDINATOR = "COORDINATOR";
    private final int node;
    private final List<Event> events;
    private final List<Timeline.Placed> shown;
    private final Timeline timeline;

    LaneMarks(int node, List<Event> events, List<Timeline.Placed> shown, Timeline timeline) {
        this.node = node;
        this.events = events;
        this.shown = shown;
        this.timeline = timeline;
    }

    void find() {
        if (shown.isEmpty()) {
            return;
        }
        Event termStart = null;
        Event previous = null;
        for (Event e : events) {
            boolean ends = EventTypes.STOP.equals(e.type()) || EventTypes.START.equals(e.type())
                    || EventTypes.ROLE.equals(e.type()) && !COORDINATOR.equals(e.detail());
            if (termStart != null && ends) {
                term(termStart, previous);
                termStart = null;
            }
            if (EventTypes.ROLE.equals(e.type()) && COORDINATOR.equals(e.detail())) {
                termStart = e;
            }
            if (previous != null) {
                between(previous, e);
            }
            previous = e;
        }
        if (termStart != null) {
            term(termStart, previous);
        }
    }

    /**
     * A crash (a START not after a STOP) or a long silence between two events of the lane; not the silence that follows a
     * START, which is the node's start-up (it records START before it listens, then warms its TLS up for a second or two).
     */
    private void between(Event before, Event after) {
        if (EventTypes.START.equals(after.type()) && !EventTypes.STOP.equals(before.type())) {
            mark(after, "restarted after a crash (no STOP recorded)");
        } else if (after.ms() - before.ms() >= Timeline.GAP_MS && !EventTypes.START.equals(after.type())
                && !EventTypes.START.equals(before.type())) {
            mark(after, String.format(Locale.US, "silent %.1f s (paused?)", (after.ms() - before.ms()) / 1000.0));
        }
    }

    private void mark(Event at, String text) {
        Timeline.Placed first = firstShownFrom(at.lc());
        if (first != null) {
            timeline.addMark(new Timeline.Mark(node, first.row(), text));
        }
    }

    private void term(Event start, Event end) {
        Timeline.Placed from = firstShownFrom(start.lc());
        Timeline.Placed to = lastShownUntil(end.lc());
        if (from != null && to != null && to.row() >= from.row()) {
            timeline.addTerm(new Timeline.Term(node, start.epoch(), from.row(), to.row()));
        }
    }

    /** The first shown event of the lane with a Lamport clock of at least {@code lc}, or null. */
    private Timeline.Placed firstShownFrom(long lc) {
        int i = firstIndexAbove(lc - 1);
        return i < shown.size() ? shown.get(i) : null;
    }

    /** The last shown event of the lane with a Lamport clock of at most {@code lc}, or null. */
    private Timeline.Placed lastShownUntil(long lc) {
        int i = firstIndexAbove(lc) - 1;
        return i >= 0 ? shown.get(i) : null;
    }

    /** The index of the first shown event with a Lamport clock above {@code lc} (a lane's clocks only grow). */
    private int firstIndexAbove(long lc) {
        int low = 0;
        int high = shown.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (shown.get(mid).event().lc() > lc) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }
}
