package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When a node's TLS handshakes with itself at start stop: {@link RmiServer#warmEnough}. */
class WarmUpTest {
    private static final long MS = 1_000_000;

    /** How many handshakes a warm-up makes of these durations (ms), each taken as it would be, 1 ms apart. */
    private static int handshakes(List<Double> durationsMs) {
        long last = Long.MAX_VALUE;
        long elapsed = 0;
        for (int n = 1; n <= durationsMs.size(); n++) {
            long before = last;
            last = (long) (durationsMs.get(n - 1) * MS);
            elapsed += last + MS;
            if (RmiServer.warmEnough(n, last, before, elapsed)) {
                return n;
            }
        }
        return -1;
    }

    @Test
    void itStopsOnceHandshakesStopGettingQuicker() {
        // a C1-only node alone, as logged: 203 ms, then 29-30 ms and no quicker for 35 more
        assertEquals(3, handshakes(List.of(203.3, 29.3, 29.9, 26.5, 27.6, 31.3, 31.0, 26.9, 24.7, 45.5)));
        // a full-JIT node alone: quicker by more than a quarter each time until the fifth
        assertEquals(5, handshakes(List.of(305.8, 65.3, 44.4, 30.0, 41.5, 43.4, 57.2)));
        // a slower one stops it, though a quick one might have followed
        assertEquals(3, handshakes(List.of(300.0, 60.0, 100.0, 12.0)));
    }

    @Test
    void itStopsAtOnceWhenQuickAndAtItsBudgetOfTimeOrHandshakes() {
        assertEquals(1, handshakes(List.of(14.0, 13.0)), "one under 15 ms: warm");
        assertEquals(2, handshakes(List.of(900.0, 650.0, 10.0)), "1.5 s spent: enough, however it went");
        assertTrue(RmiServer.warmEnough(40, 100 * MS, 200 * MS, 0), "40 handshakes at most");
        assertFalse(RmiServer.warmEnough(1, 200 * MS, Long.MAX_VALUE, 200 * MS), "the first is never compared");
        assertFalse(RmiServer.warmEnough(2, 149 * MS, 200 * MS, 400 * MS), "a quarter quicker: go on");
    }
}
