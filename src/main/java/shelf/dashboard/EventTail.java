package shelf.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import shelf.library.Json;

/**
 * Follows the nodes' event files ({@code logs/node-<id>.events.jsonl}, one JSON object per protocol event) from their
 * end, as {@code tail -F} does: a file that shrinks or is replaced (rotated) is read again from its start; a line is
 * passed on only once it is whole. Each event is checked before it is believed: a line that is not a JSON object with
 * a numeric {@code node} and a {@code kind} is skipped. Called by one poller thread.
 */
final class EventTail {
    /** At most this much of a file is read per poll; the rest waits for the next. */
    private static final int MAX_READ_BYTES = 1 << 20;
    private static final int MAX_LINE = 64 * 1024;

    /** Where one file has been read to. */
    private static final class Position {
        private Object fileKey;
        private long offset;
        private final StringBuilder partial = new StringBuilder();
    }

    private final Path logs;
    private final List<Integer> ids;
    private final Map<Integer, Position> positions = new HashMap<>();

    /** Starts at the current end of every file of {@code ids} in {@code logs}: only new events are passed on. */
    EventTail(Path logs, List<Integer> ids) {
        this.logs = logs;
        this.ids = List.copyOf(ids);
        for (int id : ids) {
            Position p = new Position();
            try {
                BasicFileAttributes a = Files.readAttributes(file(id), BasicFileAttributes.class);
                p.fileKey = a.fileKey();
                p.offset = a.size();
            } catch (IOException e) {
                // not written yet: read from its start when it appears
            }
            positions.put(id, p);
        }
    }

    Path file(int id) {
        return logs.resolve("node-" + id + ".events.jsonl");
    }

    /** The events written since the last poll, file by file. */
    List<JsonNode> poll() {
        List<JsonNode> events = new ArrayList<>();
        for (int id : ids) {
            try {
                for (String line : newLines(id)) {
                    JsonNode event = parse(line);
                    if (event != null) {
                        events.add(event);
                    }
                }
            } catch (IOException e) {
                // a file being rotated or not there yet: the next poll tries again
            }
        }
        return events;
    }

    /** An event line as JSON, or null for one that is not an event. */
    static JsonNode parse(String line) {
        try {
            JsonNode n = Json.MAPPER.readTree(line);
            return n != null && n.isObject() && n.path("node").canConvertToInt() && n.path("node").isIntegralNumber()
                    && n.path("kind").isTextual() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private List<String> newLines(int id) throws IOException {
        Path f = file(id);
        if (!Files.exists(f)) {
            return List.of();
        }
        Position p = positions.get(id);
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        if (!Objects.equals(a.fileKey(), p.fileKey) || a.size() < p.offset) {
            p.fileKey = a.fileKey();
            p.offset = 0;
            p.partial.setLength(0);
        }
        if (a.size() == p.offset) {
            return List.of();
        }
        byte[] bytes;
        try (RandomAccessFile in = new RandomAccessFile(f.toFile(), "r")) {
            bytes = new byte[(int) Math.min(in.length() - p.offset, MAX_READ_BYTES)];
            in.seek(p.offset);
            in.readFully(bytes);
        }
        p.offset += bytes.length;
        p.partial.append(new String(bytes, StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        int nl;
        while ((nl = p.partial.indexOf("\n")) >= 0) {
            lines.add(p.partial.substring(0, nl));
            p.partial.delete(0, nl + 1);
        }
        if (p.partial.length() > MAX_LINE) {
            p.partial.setLength(0); // not an event line: dropped
        }
        return lines;
    }
}
