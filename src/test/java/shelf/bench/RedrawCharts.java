package shelf.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import shelf.library.Json;

/**
 * Draws a report's charts again from its JSON document (after a change to the charts, without measuring again):
 * {@code java -cp target/shelf.jar:target/test-classes shelf.bench.RedrawCharts docs/bench/bench-lock.json}.
 */
public final class RedrawCharts {
    private RedrawCharts() {
    }

    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            Path file = Path.of(arg);
            Map<?, ?> doc = Json.MAPPER.readValue(Files.readString(file), Map.class);
            Map<String, Object> results = new LinkedHashMap<>();
            ((Map<?, ?>) doc.get("results")).forEach((k, v) -> results.put(String.valueOf(k), stats(v)));
            String name = String.valueOf(doc.get("benchmark"));
            BenchCharts.write(file.getParent(), name, Files.readString(file).strip(), results);
        }
    }

    /** A row's figures back as {@link Stats} where they were one (directly, or under "stats"). */
    private static Object stats(Object value) {
        if (value instanceof Map<?, ?> m && m.containsKey("perSecond")) {
            return Json.MAPPER.convertValue(m, Stats.class);
        }
        if (value instanceof Map<?, ?> m && m.get("stats") instanceof Map<?, ?> s) {
            return Map.of("stats", Json.MAPPER.convertValue(s, Stats.class));
        }
        return value;
    }
}
