package shelf.chaos;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import shelf.library.Json;

/**
 * The report folder of a run: {@code operations.jsonl} (one operation a line), {@code faults.jsonl} (one fault a line),
 * {@code history.jsonl} (the library's history at the end), {@code verdict.json} (the checks and the figures).
 */
final class Report {
    static final String OPERATIONS = "operations.jsonl";
    static final String FAULTS = "faults.jsonl";
    static final String HISTORY = "history.jsonl";
    static final String VERDICT = "verdict.json";

    private Report() {
    }

    static void write(Path dir, List<Operation> operations, List<Fault> faults, List<?> history, Verdict verdict)
            throws IOException {
        Files.createDirectories(dir);
        lines(dir.resolve(OPERATIONS), operations);
        lines(dir.resolve(FAULTS), faults);
        lines(dir.resolve(HISTORY), history);
        Files.writeString(dir.resolve(VERDICT), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(verdict)
                + System.lineSeparator(), StandardCharsets.UTF_8);
    }

    private static void lines(Path file, List<?> items) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Object item : items) {
                out.write(json(item));
                out.newLine();
            }
        }
    }

    static String json(Object item) {
        try {
            return Json.MAPPER.writeValueAsString(item);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
