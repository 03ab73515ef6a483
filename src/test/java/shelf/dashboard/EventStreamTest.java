package shelf.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Server-sent events as the EventSource of a browser parses them. */
class EventStreamTest {
    @Test
    void anEventIsItsNameAndOneDataLinePerLineEndedByABlankLine() {
        assertEquals("event: nodes\ndata: [1,2]\n\n", EventStream.encode("nodes", "[1,2]"));
        assertEquals("event: note\ndata: a\ndata: b\ndata: \ndata: c\n\n", EventStream.encode("note", "a\nb\r\n\rc"));
        assertEquals("event: empty\ndata: \n\n", EventStream.encode("empty", ""));
    }

    @Test
    void aNameThatCouldEndTheEventIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> EventStream.encode("nodes\ndata: x", "{}"));
        assertThrows(IllegalArgumentException.class, () -> EventStream.encode("", "{}"));
    }
}
