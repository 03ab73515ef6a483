package shelf.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads every node's events files in a logs folder; lines that are not events are skipped and counted. */
public final class EventReader {
    /** What a folder held: the events, how many lines were skipped, and the files read. */
    public record Result(List<Event> events, long skipped, List<Path> files) {
    }

    private EventReader() {
    }

    /**
     * Reads {@code logs}.
     *
     * @throws IOException when the folder cannot be listed or a file cannot be read
     */
    public static Result read(Path logs) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(logs)) {
            files = listing.filter(p -> EventFiles.NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
        List<Event> events = new ArrayList<>();
        long skipped = 0;
        for (Path file : files) {
            skipped += readFile(file, events);
        }
        return new Result(events, skipped, files);
    }

    /** Adds the events of one file to {@code into}; returns how many lines were not events. */
    static long readFile(Path file, List<Event> into) throws IOException {
        long skipped = 0;
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    into.add(EventJson.parse(line));
                } catch (IllegalArgumentException e) {
                    skipped++;
                }
            }
        }
        return skipped;
    }
}
