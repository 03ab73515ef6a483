package shelf.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The events file's format, the writer (off the caller's thread, bounded queue, rotation) and the reader. */
class EventFilesTest {
    @TempDir
    Path dir;

    static Event event(int node, long lc, String type) {
        return new Event(1_796_065_200_123L + lc, node, lc, VectorClock.of(Map.of(node, lc)), Event.Kind.SEND, type, 5,
                node + "-" + lc, 12, "12:4", null);
    }

    @Test
    void anEventIsOneLineOfJsonWithTheFieldsThatApplyAndReadsBackTheSame() {
        Event e = event(3, 17, "ELECTION");
        String line = EventJson.toLine(e);
        assertEquals("{\"ts\":\"2026-11-30T19:00:00.140Z\",\"ms\":1796065200140,\"node\":3,\"lc\":17,\"vc\":{\"3\":17},"
                + "\"kind\":\"send\",\"type\":\"ELECTION\",\"peer\":5,\"mid\":\"3-17\",\"epoch\":12,\"token\":\"12:4\"}", line);
        assertEquals(e.toString(), EventJson.parse(line).toString());
        Event local = new Event(5, 2, 1, VectorClock.of(Map.of(2, 1L)), Event.Kind.LOCAL, "START", Event.NONE, null,
                Event.NO_EPOCH, null, null);
        assertFalse(EventJson.toLine(local).contains("peer"));
        assertFalse(EventJson.toLine(local).contains("epoch"));
        assertEquals(local.toString(), EventJson.parse(EventJson.toLine(local)).toString());
    }

    @Test
    void aBatchIsOneLineOfUtf8JsonPerEventWithEachEventsOwnTimeAndClock() throws Exception {
        Clocks clocks = new Clocks(List.of(1, 2, 3, 200, 7), 3);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clocks.tick();
            if (i == 3) {
                clocks.receive(40, new long[] {5, 0, 6, 0, 9}); // ids ascending: 1, 2, 3, 7, 200
            }
            events.add(new Event(1_796_065_200_123L + i / 2, 3, clocks.lamport(), clocks.snapshot(), Event.Kind.RECV,
                    "LOCK_GRANT", 200, "200-" + i, 12, "12:" + i, i == 5 ? "caf\u00e9 \"quoted\"" : null));
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        EventFileWriter.encode(events, out);
        List<String> lines = new String(out.toByteArray(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(events.size(), lines.size());
        for (int i = 0; i < events.size(); i++) {
            assertEquals(events.get(i).toString(), EventJson.parse(lines.get(i)).toString(), lines.get(i));
        }
        assertTrue(lines.get(0).startsWith("{\"ts\":\"2026-11-30T19:00:00.123Z\""), lines.get(0));
        assertTrue(lines.get(5).startsWith("{\"ts\":\"2026-11-30T19:00:00.125Z\""), lines.get(5));
        assertTrue(lines.get(4).contains("\"vc\":{\"1\":5,\"3\":8,\"200\":9}"), "zero entries left out: " + lines.get(4));
    }

    @Test
    void linesThatAreNotEventsAreRefused() {
        for (String bad : List.of("", "garbage", "[1,2]", "{\"node\":1}", "{\"ms\":1,\"node\":0,\"lc\":1,\"vc\":{},\"kind\":"
                + "\"send\",\"type\":\"OK\"}", "{\"ms\":1,\"node\":1,\"lc\":-1,\"vc\":{},\"kind\":\"send\",\"type\":\"OK\"}",
                "{\"ms\":1,\"node\":1,\"lc\":1,\"vc\":{\"x\":1},\"kind\":\"send\",\"type\":\"OK\"}",
                "{\"ms\":1,\"node\":1,\"lc\":1,\"vc\":{},\"kind\":\"sent\",\"type\":\"OK\"}")) {
            assertThrows(IllegalArgumentException.class, () -> EventJson.parse(bad), bad);
        }
    }

    @Test
    void theReaderSkipsAndCountsLinesThatAreNotEventsAndReadsRotatedFilesToo() throws Exception {
        Files.writeString(dir.resolve("node-1.events.jsonl"), EventJson.toLine(event(1, 2, "OK")) + "\nnot json\n\n"
                + EventJson.toLine(event(1, 3, "OK")) + "\n{\"ts\":\"torn");
        Files.writeString(dir.resolve("node-1.events.jsonl.1"), EventJson.toLine(event(1, 1, "ELECTION")) + "\n");
        Files.writeString(dir.resolve("node-2.log"), "a log, not events\n");
        EventReader.Result r = EventReader.read(dir);
        assertEquals(3, r.events().size());
        assertEquals(2, r.skipped());
        assertEquals(2, r.files().size());
        assertEquals(3, EventFiles.last(dir.resolve("node-1.events.jsonl"), 1).orElseThrow().lc(), "past the torn line");
        assertTrue(EventFiles.last(dir.resolve("node-9.events.jsonl"), 9).isEmpty());
    }

    @Test
    void theWriterKeepsAtMostItsLimitOnDiskInTheFileAndOneRotatedCopy() throws Exception {
        Path file = dir.resolve("node-1.events.jsonl");
        long max = 20_000;
        try (EventFileWriter w = new EventFileWriter("node 1", file, max, 100_000)) {
            for (int i = 1; i <= 2_000; i++) {
                w.record(event(1, i, "LOCK_REQUEST"));
                if (i % 100 == 0) {
                    w.flush(5_000);
                }
            }
            w.flush(5_000);
            assertEquals(0, w.dropped());
        }
        Path rotated = EventFiles.rotated(file);
        assertTrue(Files.exists(rotated));
        long onDisk = Files.size(file) + Files.size(rotated);
        assertTrue(onDisk <= max + 100 * 150, "about the limit, give or take one batch: " + onDisk);
        List<Event> events = new ArrayList<>();
        assertEquals(0, EventReader.readFile(rotated, events) + EventReader.readFile(file, events), "whole lines only");
        assertTrue(Files.readAllLines(file).stream().allMatch(l -> l.startsWith("{\"ts\":")), "each line is one object");
        assertEquals(2_000, events.get(events.size() - 1).lc(), "the most recent events are kept");
    }

    @Test
    void recordingNeverBlocksTheCallerAFullQueueDropsAndCountsAndAnotherThreadWrites() throws Exception {
        Path file = dir.resolve("node-2.events.jsonl");
        try (EventFileWriter w = new EventFileWriter("node 2", file, 1 << 20, 4)) {
            for (int i = 1; i <= 100; i++) {
                w.record(event(2, i, "HEARTBEAT")); // the writer drains at most 4 per wake-up, every 50 ms
            }
            assertTrue(w.dropped() > 0, "a full queue drops");
            w.flush(5_000);
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("node-2-events")
                    && t.isDaemon()), "one daemon thread writes");
            long written = Files.readAllLines(file).size();
            assertEquals(100 - w.dropped(), written);
        }
        assertFalse(Files.readString(file).isEmpty());
    }

    @Test
    void aWriteThatFailsLosesItsEventsNotTheRecordingAndTheFileIsWrittenAgainOnceItCanBe() throws Exception {
        Path full = Path.of("/dev/full"); // every write fails: no space left on device
        assumeTrue(Files.isWritable(full), "needs /dev/full");
        Path file = dir.resolve("node-3.events.jsonl");
        Files.createSymbolicLink(file, full);
        try (EventFileWriter w = new EventFileWriter("node 3", file, 1 << 20, 1_000)) {
            for (int i = 1; i <= 10; i++) {
                w.record(event(3, i, "HEARTBEAT"));
            }
            w.flush(5_000);
            assertEquals(10, w.lost(), "a failed write loses its events");
            Files.delete(file); // the disk has room again
            Files.createFile(file);
            long recorded = 10;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (Files.size(file) == 0 && System.nanoTime() < deadline) {
                w.record(event(3, ++recorded, "HEARTBEAT"));
                w.flush(5_000);
                Thread.sleep(20);
            }
            List<Event> events = new ArrayList<>();
            assertEquals(0, EventReader.readFile(file, events), "whole lines only");
            assertFalse(events.isEmpty(), "written again after the failure (" + recorded + " recorded)");
            assertEquals(recorded, w.lost() + events.size(), "each event written or counted as lost");
            assertEquals(recorded, events.get(events.size() - 1).lc(), "the newest event written");
        }
    }
}
