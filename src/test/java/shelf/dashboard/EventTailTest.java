package shelf.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tailing the nodes' event files ({@code node-<id>.events.jsonl}) as they are written and rotated. */
class EventTailTest {
    private static final String SEND = "{\"ts\":\"2026-11-30T19:00:00.123Z\",\"ms\":1796065200123,\"node\":%d,\"lc\":%d,"
            + "\"vc\":{\"1\":4,\"3\":17},\"kind\":\"send\",\"type\":\"ELECTION\",\"peer\":5,\"mid\":\"3-42\",\"epoch\":12}\n";

    private static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static List<Integer> clocks(List<JsonNode> events) {
        return events.stream().map(e -> e.get("lc").asInt()).toList();
    }

    @Test
    void onlyEventsWrittenAfterItStartedAndOnlyWholeLines(@TempDir Path logs) throws Exception {
        Path three = logs.resolve("node-3.events.jsonl");
        append(three, send(3, 1));
        EventTail tail = new EventTail(logs, List.of(3, 5));
        assertEquals(List.of(), tail.poll(), "what was there before is history, not news");

        String next = send(3, 2);
        append(three, next.substring(0, 20));
        assertEquals(List.of(), tail.poll(), "half a line waits for its end");
        append(three, next.substring(20) + send(3, 3));
        append(logs.resolve("node-5.events.jsonl"), send(5, 9));
        assertEquals(List.of(2, 3, 9), clocks(tail.poll()), "a file that appears later is read from its start");
    }

    @Test
    void aRotatedFileIsReadAgainFromItsStart(@TempDir Path logs) throws Exception {
        Path three = logs.resolve("node-3.events.jsonl");
        append(three, send(3, 1) + send(3, 2));
        EventTail tail = new EventTail(logs, List.of(3));
        Files.move(three, logs.resolve("node-3.events.1.jsonl"));
        append(three, send(3, 3));
        assertEquals(List.of(3), clocks(tail.poll()));
        Files.writeString(three, ""); // copied away and truncated in place
        assertEquals(List.of(), tail.poll());
        append(three, send(3, 4));
        assertEquals(List.of(4), clocks(tail.poll()));
    }

    @Test
    void aLineThatIsNotAnEventIsSkipped(@TempDir Path logs) throws Exception {
        EventTail tail = new EventTail(logs, List.of(3));
        append(logs.resolve("node-3.events.jsonl"), "garbage\n[1,2]\n{\"node\":\"3\",\"kind\":\"send\"}\n{\"node\":3}\n"
                + send(3, 7));
        assertEquals(List.of(7), clocks(tail.poll()));
        assertNull(EventTail.parse("{\"node\":3.5,\"kind\":\"send\"}"));
    }

    private static String send(int node, int lc) {
        return String.format(Locale.US, SEND, node, lc);
    }
}
