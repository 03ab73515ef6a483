package shelf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {
    @TempDir
    Path dir;

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** The data bars: rects with a fill other than the white background, less the legend's 12 x 12 squares. */
    private static int bars(Document doc) {
        NodeList rects = doc.getElementsByTagName("rect");
        int n = 0;
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            boolean background = r.getAttribute("fill").equals("white");
            if (!background && !r.getAttribute("y").isEmpty() && !r.getAttribute("width").equals("12")) {
                n++;
            }
        }
        return n;
    }

    @Test
    void oneBarPerSeriesAndCategoryInAWellFormedDocument() throws Exception {
        String svg = new SvgChart("latency", "ms", List.of("p50", "p99", "p99.9"))
                .add("one node", 0.2, 0.9, 3.1).add("Curator", 1.0, 2.5, 8.0).svg();

        Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getTagName());
        assertEquals(6, bars(doc));
        assertTrue(svg.contains(">Curator</text>") && svg.contains(">p99.9</text>") && svg.contains(">8.00</text>"), svg);
    }

    @Test
    void textIsEscaped() throws Exception {
        String svg = new SvgChart("a <b> & \"c\"", "ops/s", List.of("x")).add("<script>", 1).svg();
        parse(svg); // still well-formed
        assertTrue(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
    }

    @Test
    void theValueAxisEndsAtARoundNumber() {
        assertEquals(1, SvgChart.niceCeiling(0));
        assertEquals(10, SvgChart.niceCeiling(10));
        assertEquals(20, SvgChart.niceCeiling(11));
        assertEquals(5000, SvgChart.niceCeiling(4321));
        assertEquals(0.5, SvgChart.niceCeiling(0.31), 1e-9);
        assertEquals("5,447", SvgChart.format(5447.3));
        assertEquals("0.127", SvgChart.format(0.12749));
        assertEquals("0", SvgChart.format(0));
    }

    @Test
    void aGroupNeedsAValueForEverySeries() {
        assertThrows(IllegalArgumentException.class, () -> new SvgChart("t", "u", List.of("a", "b")).add("x", 1));
    }

    @Test
    void aReportsRowsWithFiguresBecomeChartsNextToItsJson() throws Exception {
        Stats shelf = new Stats(5000, 1.0, 5000, 0.2, 0.5, 1.0, 2.0);
        Stats curator = new Stats(1000, 1.0, 1000, 1.0, 2.0, 3.0, 4.0);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("empty RMI call on loopback (the floor)", shelf);
        results.put("warm-up", Map.of("seconds", 5));
        results.put("20 clients", Map.of("stats", curator, "ops per grant", 4.0));
        results.put("ratio", 5.0);

        assertEquals(List.of("empty RMI call on loopback (the floor)", "20 clients"),
                List.copyOf(BenchCharts.rows(results).keySet()));
        List<Path> files = BenchCharts.write(dir.resolve("charts"), "lock", "{}", results);

        assertEquals(List.of("bench-lock.json", "bench-lock-throughput.svg", "bench-lock-latency.svg"),
                files.stream().map(f -> f.getFileName().toString()).toList());
        assertEquals(2, bars(parse(Files.readString(files.get(1)))));
        assertEquals(6, bars(parse(Files.readString(files.get(2)))));
    }
}
