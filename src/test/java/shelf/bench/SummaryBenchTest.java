package shelf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bench summary}'s verdicts: each figure against issue 19's target, from the two benchmarks' results. */
class SummaryBenchTest {
    private static Stats perSecond(double rate) {
        return new Stats(1000, 1000 / rate, rate, 0.1, 0.2, 0.3, 0.4);
    }

    private static Map<String, Object> locked(double follower, double contended, double shipped, double inMemory) {
        return Map.of(LockBench.ONE_FOLLOWER, perSecond(follower), LockBench.ALL_FIVE, perSecond(contended),
                CuratorAnchor.name(true), perSecond(shipped), CuratorAnchor.name(false), perSecond(inMemory),
                LockBench.RMI_FLOOR, perSecond(15_000), LockBench.ECHO_FLOOR, perSecond(21_000));
    }

    private static Map<String, Object> started(long client, long cluster) {
        String variant = StartupBench.LAUNCHER;
        return Map.of(StartupBench.clientKey(variant), StartupBench.Spread.of(List.of(client - 10, client, client + 10)),
                StartupBench.clusterKey(variant), StartupBench.Spread.of(List.of(cluster, cluster + 1, cluster + 2)));
    }

    @Test
    void eachFigureIsJudgedAgainstItsTarget() {
        Map<String, Object> s = SummaryBench.summary(started(401, 2_999), locked(12_000, 6_000, 600, 1_500));
        assertEquals("20.0 (target >= 10: met)", s.get("ratio to Curator as shipped"));
        assertEquals("8.0 (target >= 10: not met)", s.get("ratio to Curator forceSync=no"));
        assertEquals("6000/s vs 12000/s (target >= one follower: not met)", s.get("contended against one follower"));
        assertEquals("15000/s (10.0x Curator forceSync=no: the most one round trip per cycle allows)",
                s.get("the floor, an empty RMI call"));
        assertEquals("21000/s (14.0x Curator forceSync=no: the most one round trip per cycle allows)",
                s.get("under it, a round trip without RMI"));
        assertTrue(s.get("one-shot client list (ms), " + StartupBench.LAUNCHER).toString()
                .endsWith("(target median <= 400: not met)"), s.toString());
        assertTrue(s.get("cluster start to agreement (ms), " + StartupBench.LAUNCHER).toString()
                .endsWith("(target median <= 3000: met)"), s.toString());
        assertTrue(s.keySet().stream().noneMatch(k -> k.contains(StartupBench.PLAIN) || k.contains(StartupBench.AGENT)),
                "a variant not run is not reported");
    }

    @Test
    void theClientServedByTheAgentIsJudgedBesideTheColdOne() {
        Map<String, Object> started = new java.util.HashMap<>(started(647, 7_775));
        started.put(StartupBench.clientKey(StartupBench.AGENT), StartupBench.Spread.of(List.of(80L, 90L, 120L)));
        Map<String, Object> s = SummaryBench.summary(started, locked(12_000, 6_000, 600, 1_500));
        assertEquals("80 / 90 / 120 ms (min / median / max) (target median <= 400: met)",
                s.get("one-shot client list (ms), " + StartupBench.AGENT));
        assertTrue(s.get("one-shot client list (ms), " + StartupBench.LAUNCHER).toString().endsWith(": not met)"), s.toString());
    }

    @Test
    void floorsNotMeasuredAreNotReported() {
        Map<String, Object> locked = new java.util.HashMap<>(locked(12_000, 6_000, 600, 1_500));
        locked.remove(LockBench.ECHO_FLOOR);
        Map<String, Object> s = SummaryBench.summary(started(401, 2_999), locked);
        assertTrue(s.containsKey("the floor, an empty RMI call"), s.toString());
        assertTrue(!s.containsKey("under it, a round trip without RMI"), s.toString());
    }

    @Test
    void theBoundariesCountAsMet() {
        Map<String, Object> s = SummaryBench.summary(started(400, 2_998), locked(10_000, 10_000, 1_000, 1_000));
        assertEquals("10.0 (target >= 10: met)", s.get("ratio to Curator as shipped"));
        assertEquals("10000/s vs 10000/s (target >= one follower: met)", s.get("contended against one follower"));
        assertTrue(s.get("one-shot client list (ms), " + StartupBench.LAUNCHER).toString().endsWith(": met)"), s.toString());
    }
}
