package shelf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import shelf.events.Event;
import shelf.events.EventReader;
import shelf.timeline.HtmlDiagram;
import shelf.timeline.Selection;
import shelf.timeline.ShivizLog;
import shelf.timeline.TimeArgument;
import shelf.timeline.Timeline;
import shelf.util.ExitCodes;
import shelf.util.VersionProvider;

/**
 * {@code shelf timeline}: merges the nodes' events files ({@code logs/node-<id>.events.jsonl}) into a space-time
 * diagram, a self-contained HTML page, or a log for ShiViz. Exit codes: 0 written; 1 no events to draw (no events
 * files, or none in the window); 2 bad arguments (a folder that does not exist, a bad time or part).
 */
@Command(name = "timeline", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Draws the nodes' events (logs/node-<id>.events.jsonl) as a Lamport space-time diagram: one lane per"
                + " node, messages as arrows, in causal order; a self-contained HTML page.",
                "Exit codes: 0 written, 1 no events to draw, 2 bad arguments."})
public final class TimelineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--logs", paramLabel = "DIR", defaultValue = "logs",
            description = "The folder with the events files (default ${DEFAULT-VALUE}).")
    Path logs;

    @Option(names = "--since", paramLabel = "T", description = "Only events at or after T: an ISO time"
            + " (2026-11-30T19:05:00Z; without a zone, UTC) or a duration back from the last event (90s, 5m, 1h30m).")
    String since;

    @Option(names = "--until", paramLabel = "T", description = "Only events at or before T (as --since).")
    String until;

    @Option(names = "--only", paramLabel = "PARTS", split = ",",
            description = "Only these parts of the protocol: election, lock, library (starts, stops and crashes always show).")
    List<String> only;

    @Option(names = "--heartbeats", description = "Show heartbeats, their acks and lease renewals too (hidden by default).")
    boolean heartbeats;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write (default: timeline.html, or timeline.shiviz.log, in the logs folder).")
    Path output;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "html",
            description = "html (default: a space-time diagram) or shiviz (a log for ShiViz; README: the regex to paste).")
    String format;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("html") && !format.equals("shiviz")) {
            throw new CliException(ExitCodes.USAGE, "--format is html or shiviz, not '" + format + "'");
        }
        if (!Files.isDirectory(logs)) {
            throw new CliException(ExitCodes.USAGE, logs + " is not a folder (give the cluster's logs folder with --logs DIR)");
        }
        TimeArgument from = time("--since", since);
        TimeArgument to = time("--until", until);
        EventReader.Result read = EventReader.read(logs);
        Instant last = Instant.ofEpochMilli(read.events().stream().mapToLong(Event::ms).max().orElse(0));
        Selection selection = selection(from == null ? null : from.resolve(last), to == null ? null : to.resolve(last));
        Path file = output != null ? output : logs.resolve(format.equals("html") ? "timeline.html" : "timeline.shiviz.log");
        String summary = draw(logs, read, selection, file, format);
        spec.commandLine().getOut().println("timeline: wrote " + file.toAbsolutePath() + " (" + summary + ")");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /**
     * Writes the diagram (format html) or ShiViz log (shiviz) of what {@code read} found in {@code logs} to {@code file};
     * returns a line that says what it shows.
     *
     * @throws CliException (exit code 1) when there is nothing to draw
     */
    static String draw(Path logs, EventReader.Result read, Selection selection, Path file, String format)
            throws IOException {
        if (read.events().isEmpty()) {
            throw new CliException(ExitCodes.REFUSED, "no events in " + logs + " (" + read.files().size() + " events files, "
                    + read.skipped() + " lines that are not events): nodes write logs/node-<id>.events.jsonl unless"
                    + " events=off");
        }
        Timeline timeline = Timeline.of(read.events(), selection);
        if (timeline.shown().isEmpty()) {
            throw new CliException(ExitCodes.REFUSED, "none of the " + read.events().size() + " events in " + logs
                    + " is in the window or parts asked for");
        }
        String summary = timeline.shown().size() + " of " + read.events().size() + " events of nodes " + timeline.nodes()
                + " from " + read.files().size() + " files in " + logs + (read.skipped() > 0 ? ", " + read.skipped()
                + " lines skipped (not events)" : "") + describe(selection);
        Files.writeString(file, format.equals("html") ? HtmlDiagram.render(timeline, summary) : ShivizLog.render(timeline));
        return summary;
    }

    private static TimeArgument time(String option, String text) {
        if (text == null) {
            return null;
        }
        try {
            return TimeArgument.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, option + ": " + e.getMessage());
        }
    }

    private Selection selection(Instant from, Instant to) {
        Set<String> parts = new LinkedHashSet<>();
        if (only != null) {
            only.forEach(p -> parts.add(p.strip().toLowerCase(java.util.Locale.ROOT)));
        }
        try {
            return new Selection(from, to, parts, heartbeats);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private static String describe(Selection s) {
        StringBuilder b = new StringBuilder();
        if (s.since() != null) {
            b.append(", since ").append(s.since());
        }
        if (s.until() != null) {
            b.append(", until ").append(s.until());
        }
        if (!s.parts().isEmpty()) {
            b.append(", only ").append(String.join(",", s.parts().stream().sorted().toList()));
        }
        b.append(s.heartbeats() ? ", heartbeats shown" : ", heartbeats hidden");
        return b.toString();
    }
}
