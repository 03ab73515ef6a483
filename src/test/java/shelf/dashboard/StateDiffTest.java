package shelf.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Only what changed is pushed; a new page gets every section as last sent. */
class StateDiffTest {
    @Test
    void aSectionIsSentWhenItChangesAndNotAgainUntilItDoes() {
        StateDiff diff = new StateDiff();
        assertEquals("[1,2]", diff.changed("nodes", List.of(1, 2)));
        assertNull(diff.changed("nodes", List.of(1, 2)), "unchanged: nothing to send");
        assertEquals("{\"holder\":3}", diff.changed("lock", Map.of("holder", 3)));
        assertEquals("[1]", diff.changed("nodes", List.of(1)));
        assertNull(diff.changed("lock", Map.of("holder", 3)));
        assertEquals(Map.of("nodes", "[1]", "lock", "{\"holder\":3}"), diff.current());
    }
}
