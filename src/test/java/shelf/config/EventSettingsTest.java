package shelf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code events=on|off}, {@code events.max.bytes} and {@code log.max.bytes} in nodes.properties. */
class EventSettingsTest {
    private static ClusterConfig parse(String... settings) throws ConfigException {
        List<String> lines = new java.util.ArrayList<>(List.of("node.1=127.0.0.1:5001"));
        lines.addAll(List.of(settings));
        return ClusterConfig.parse(lines, "test.properties");
    }

    @Test
    void eventsAreOnWithThirtyTwoMebibytesUnlessTheFileSaysOtherwise() throws Exception {
        assertFalse(parse().events().on());
        assertEquals(32L * 1024 * 1024, parse().events().maxBytes());
        assertFalse(parse("events=off").events().on());
        assertEquals(1_000_000, parse("events.max.bytes=1000000").events().maxBytes());
    }

    @Test
    void aBadValueIsAnErrorThatNamesTheLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("events=maybe"));
        assertEquals("test.properties line 2: events must be on or off, got 'maybe'", e.getMessage());
        assertThrows(ConfigException.class, () -> parse("events.max.bytes=12"));
        assertThrows(ConfigException.class, () -> parse("events.max.bytes=lots"));
    }

    @Test
    void aNodesLogKeepsSixtyFourMebibytesUnlessTheFileSaysOtherwise() throws Exception {
        assertEquals(64L * 1024 * 1024, parse().logs().maxBytes());
        assertEquals(16L * 1024 * 1024, parse().logs().fileBytes());
        assertEquals(1_000_000, parse("log.max.bytes=1000000").logs().maxBytes());
        assertEquals("test.properties line 2: log.max.bytes must be at least 65536, got 12",
                assertThrows(ConfigException.class, () -> parse("log.max.bytes=12")).getMessage());
        assertEquals("test.properties line 2: log.max.bytes must be a whole number of bytes, got 'lots'",
                assertThrows(ConfigException.class, () -> parse("log.max.bytes=lots")).getMessage());
    }
}
