package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.library.Command;
import shelf.library.Op;

/**
 * Issue 17: real nodes write their events files (messages with clocks, a crash requested, a store write), and
 * {@code timeline} draws them; bad arguments are one line and exit code 2. One three-node cluster, about 30 s.
 */
class EventsTimelineIT {
    private static final Duration AGREEMENT = Duration.ofSeconds(60);

    @Test
    void nodesRecordTheirEventsAndTimelineDrawsTheElectionAfterACrash(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 3, 10, Map.of("events", "on"), ClusterFixture.NODE_JVM)) {
            f.cluster.startAll();
            assertEquals(3, f.cluster.awaitAgreement(List.of(1, 2, 3), AGREEMENT)); // generous: a loaded machine
            assertTrue(f.execute(1, new Command(UUID.randomUUID().toString(), Op.BORROW, 2, "alice")).ok());
            f.cluster.admin(3).crash();
            assertEquals(2, f.cluster.awaitAgreement(List.of(1, 2), AGREEMENT));
        } // the live nodes stop, and write what they have queued
        Path logs = dir.resolve("logs");
        String three = Files.readString(logs.resolve("node-3.events.jsonl"));
        assertTrue(three.contains("\"type\":\"CRASH_REQUESTED\""), "the crash was recorded before the halt");
        String one = Files.readString(logs.resolve("node-1.events.jsonl"));
        assertTrue(one.contains("\"kind\":\"recv\",\"type\":\"COORDINATOR\",\"peer\":2"), "node 1 heard node 2 win");
        assertTrue(one.contains("\"vc\":{\"1\":"), "with its vector clock");

        ClusterFixture.Run drawn = ClusterFixture.exec(dir, List.of(java(), "-jar", jar(), "timeline", "-o", "t.html"));
        assertEquals(0, drawn.code(), drawn.err());
        assertTrue(drawn.out().startsWith("timeline: wrote "), drawn.out());
        String html = Files.readString(dir.resolve("t.html"));
        assertTrue(html.contains(">COORDINATOR e"), "COORDINATOR arrows");
        assertTrue(html.contains("crash requested"), "the crash on node 3's lane");
        assertTrue(html.contains("writes under t"), "the borrow's store write");

        ClusterFixture.Run badTime = ClusterFixture.exec(dir, List.of(java(), "-jar", jar(), "timeline", "--since",
                "yesterday"));
        assertEquals(2, badTime.code());
        assertEquals(1, badTime.err().strip().lines().count(), badTime.err());
        assertTrue(badTime.err().contains("--since: 'yesterday' is not a time"), badTime.err());
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jar() {
        return shelf.cluster.LocalCluster.currentJar().toString();
    }
}
