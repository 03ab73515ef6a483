package shelf.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The charts of a benchmark's report ({@code --charts DIR}): every row whose figures are {@link Stats} (a row of
 * {@code bench lock}, Curator's rows included, or a client count of {@code bench library}) becomes a bar in
 * {@code bench-<name>-throughput.svg} (operations per second) and a group of bars in {@code bench-<name>-latency.svg}
 * (p50, p99, p99.9 in milliseconds), next to the report's JSON document, {@code bench-<name>.json}.
 */
final class BenchCharts {
    private BenchCharts() {
    }

    /** The rows with figures, in report order: a {@link Stats} value, or a map holding one under {@code "stats"}. */
    static Map<String, Stats> rows(Map<String, Object> results) {
        Map<String, Stats> rows = new LinkedHashMap<>();
        results.forEach((name, value) -> {
            if (value instanceof Stats s) {
                rows.put(name, s);
            } else if (value instanceof Map<?, ?> m && m.get("stats") instanceof Stats s) {
                rows.put(name, s);
            }
        });
        return rows;
    }

    static SvgChart throughput(String name, Map<String, Stats> rows) {
        SvgChart chart = new SvgChart("bench " + name + ": throughput", "per second", List.of("operations/s"));
        rows.forEach((row, s) -> chart.add(row, s.perSecond()));
        return chart;
    }

    static SvgChart latency(String name, Map<String, Stats> rows) {
        SvgChart chart = new SvgChart("bench " + name + ": latency percentiles", "ms", List.of("p50", "p99", "p99.9"));
        rows.forEach((row, s) -> chart.add(row, s.p50(), s.p99(), s.p999()));
        return chart;
    }

    /**
     * Writes the JSON document and, when some rows have figures, the two charts into {@code dir} (created if missing).
     *
     * @return the files written
     */
    static List<Path> write(Path dir, String name, String json, Map<String, Object> results) throws IOException {
        Files.createDirectories(dir);
        Map<String, Stats> rows = rows(results);
        List<Path> written = new ArrayList<>();
        written.add(Files.writeString(dir.resolve("bench-" + name + ".json"), json + "\n", StandardCharsets.UTF_8));
        if (rows.isEmpty()) {
            return written; // nothing to draw (bench startup, failover, election report other figures)
        }
        written.add(Files.writeString(dir.resolve("bench-" + name + "-throughput.svg"), throughput(name, rows).svg(),
                StandardCharsets.UTF_8));
        written.add(Files.writeString(dir.resolve("bench-" + name + "-latency.svg"), latency(name, rows).svg(),
                StandardCharsets.UTF_8));
        return written;
    }
}
