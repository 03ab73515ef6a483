package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cluster} following a node's log as the node writes it, rolls it, and writes the next file. */
class ClusterLogFollowTest {
    @TempDir
    Path dir;
    private final Map<Integer, Long> positions = new HashMap<>();
    private final Map<Integer, StringBuilder> partial = new HashMap<>();

    private List<String> next(Path log) throws Exception {
        return ClusterCommand.newLines(log, 1, positions, partial);
    }

    private static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void everyLineOnceInOrderAcrossARollAndAHalfWrittenLineWaitsForItsEnd() throws Exception {
        Path log = dir.resolve("node-1.log");
        assertEquals(List.of(), next(log), "no file yet");
        append(log, "line 1\nline 2\nline 3 st");
        assertEquals(List.of("line 1", "line 2"), next(log));
        append(log, "ill writing\nline 4\n"); // written after the last look, then the file rolls
        Files.move(log, dir.resolve("node-1.log.1"));
        assertEquals(List.of(), next(log), "between the roll's renaming and the new file");
        append(log, "line 5\n");
        assertEquals(List.of("line 3 still writing", "line 4", "line 5"), next(log));
        append(log, "line 6\n");
        assertEquals(List.of("line 6"), next(log));
        assertEquals(List.of(), next(log));
    }
}
