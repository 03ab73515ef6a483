package shelf.dashboard;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import shelf.events.Event;
import shelf.events.EventReader;
import shelf.timeline.HtmlDiagram;
import shelf.timeline.Selection;
import shelf.timeline.Timeline;

/**
 * The page's "open timeline" button: the Lamport diagram ({@code shelf timeline}) of the last minutes of the nodes' event
 * files, rendered on request as the self-contained HTML page that command writes (heartbeats hidden).
 */
final class TimelinePage {
    static final int MAX_MINUTES = 24 * 60;
    static final int DEFAULT_MINUTES = 5;

    private TimelinePage() {
    }

    /**
     * The diagram of the last {@code minutes} before the newest event.
     *
     * @throws IllegalArgumentException when there are no events to draw, or {@code minutes} is out of range
     */
    static String render(Path logs, int minutes) throws IOException {
        if (minutes < 1 || minutes > MAX_MINUTES) {
            throw new IllegalArgumentException("minutes must be between 1 and " + MAX_MINUTES + ", got " + minutes);
        }
        EventReader.Result read = EventReader.read(logs);
        if (read.events().isEmpty()) {
            throw new IllegalArgumentException("no events in " + logs + " yet (nodes write logs/node-<id>.events.jsonl"
                    + " unless events=off)");
        }
        Instant last = Instant.ofEpochMilli(read.events().stream().mapToLong(Event::ms).max().orElseThrow());
        Instant since = last.minusSeconds(60L * minutes);
        Timeline timeline = Timeline.of(read.events(), new Selection(since, null, Set.of(), false));
        return HtmlDiagram.render(timeline, timeline.shown().size() + " events of nodes " + timeline.nodes() + ", the last "
                + minutes + " min (since " + since + ")");
    }
}
