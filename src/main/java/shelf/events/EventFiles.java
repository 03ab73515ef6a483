package shelf.events;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where events files are: {@code node-<id>.events.jsonl} in the logs folder, and the previous one, after a rotation,
 * {@code node-<id>.events.jsonl.1}.
 */
public final class EventFiles {
    /** An events file's name, current or rotated; group 1 is the node id. */
    public static final Pattern NAME = Pattern.compile("node-([0-9]{1,9})\\.events\\.jsonl(\\.1)?");
    /** How far back from a file's end {@link #last} looks for the last whole line. */
    private static final int TAIL_BYTES = 64 * 1024;

    private EventFiles() {
    }

    /** The current events file of node {@code id} in {@code logs}. */
    public static Path current(Path logs, int id) {
        return logs.resolve("node-" + id + ".events.jsonl");
    }

    /** The file the current one becomes when it is full. */
    public static Path rotated(Path current) {
        return current.resolveSibling(current.getFileName() + ".1");
    }

    /** The last event of node {@code id} in the current file, or in the rotated one when the current is empty. */
    public static Optional<Event> last(Path current, int id) {
        for (Path file : new Path[] {current, rotated(current)}) {
            Optional<Event> e = lastIn(file, id);
            if (e.isPresent()) {
                return e;
            }
        }
        return Optional.empty();
    }

    private static Optional<Event> lastIn(Path file, int id) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - TAIL_BYTES);
            byte[] tail = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(tail);
            String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                try {
                    Event e = EventJson.parse(lines[i]);
                    if (e.node() == id) {
                        return Optional.of(e);
                    }
                } catch (IllegalArgumentException ignored) {
                    // a torn last line (the process was killed mid-write) or a cut first one: look further up
                }
            }
        } catch (IOException ignored) {
            // unreadable: start the clocks at zero
        }
        return Optional.empty();
    }
}
