package shelf.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agreement read from the nodes' logs, in the nodes' own line format; nothing said, or a log rolled, is no agreement. */
class LogAgreementTest {
    private static final String AT = " [2026-12-02 16:01:40.744 INFO]";
    private static final List<Integer> IDS = List.of(1, 2, 3);

    @TempDir
    Path logs;

    private void log(int id, String... lines) throws Exception {
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            b.append("node ").append(id).append(": ").append(line).append(AT).append('\n');
        }
        Files.writeString(logs.resolve("node-" + id + ".log"), b, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private LogAgreement fromNow() throws Exception {
        Map<Integer, Long> from = new java.util.HashMap<>();
        for (int id : IDS) {
            Path f = logs.resolve("node-" + id + ".log");
            from.put(id, Files.exists(f) ? Files.size(f) : 0L);
        }
        return new LogAgreement(logs, from);
    }

    @Test
    void allFollowingOneServingCoordinatorInOneEpochIsAgreement() throws Exception {
        log(3, "role COORDINATOR -> FOLLOWER of node 2 in epoch 7", "lock table recovered for epoch 9: holder none, queue []");
        LogAgreement agreement = fromNow(); // an earlier run's lines count for nothing
        assertEquals(Optional.empty(), agreement.coordinator(IDS));

        log(1, "role CANDIDATE -> FOLLOWER of node 3 in epoch 12");
        log(2, "role CANDIDATE -> FOLLOWER of node 3 in epoch 12");
        log(3, "role CANDIDATE -> COORDINATOR (epoch 12)");
        assertEquals(Optional.empty(), agreement.coordinator(IDS), "its lock server is still recovering");
        log(3, "lock server recovering for epoch 12: asking [1, 2, 3] what they hold and await",
                "lock table recovered for epoch 12: holder none, queue []");
        assertEquals(Optional.of(3), agreement.coordinator(IDS));

        log(2, "role FOLLOWER of node 3 -> FOLLOWER of node 1 in epoch 13");
        assertEquals(Optional.empty(), agreement.coordinator(IDS), "another view");
        log(2, "role FOLLOWER of node 1 -> FOLLOWER of node 3 in epoch 12");
        log(1, "role FOLLOWER -> CANDIDATE (epoch 12)");
        assertEquals(Optional.empty(), agreement.coordinator(IDS), "a candidate follows nobody");
        log(1, "role CANDIDATE -> FOLLOWER of node 3 in epoch 12");
        assertEquals(Optional.of(3), agreement.coordinator(IDS));
    }

    @Test
    void aHalfWrittenLineWaitsForItsEndAndAnotherNodesNameInALineCountsForNothing() throws Exception {
        LogAgreement agreement = fromNow();
        log(1, "role CANDIDATE -> FOLLOWER of node 3 in epoch 4");
        log(3, "role CANDIDATE -> COORDINATOR (epoch 4)", "lock table recovered for epoch 4: holder none, queue []");
        Files.writeString(logs.resolve("node-2.log"), "node 2: role CANDIDATE -> FOLLOWER of node 3 in ep",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertEquals(Optional.empty(), agreement.coordinator(IDS));
        Files.writeString(logs.resolve("node-2.log"), "och 4" + AT + "\n", StandardOpenOption.APPEND);
        assertEquals(Optional.of(3), agreement.coordinator(IDS));

        log(1, "received a message saying node 1: role CANDIDATE -> FOLLOWER of node 2 in epoch 9"); // not a role line
        Files.writeString(logs.resolve("node-1.log"), "node 2: role CANDIDATE -> FOLLOWER of node 2 in epoch 9" + AT + "\n",
                StandardOpenOption.APPEND);
        assertEquals(Optional.of(3), agreement.coordinator(IDS));
    }

    @Test
    void aLogRolledOrTruncatedSinceMakesItSayNothingMore() throws Exception {
        LogAgreement agreement = fromNow();
        log(1, "role CANDIDATE -> FOLLOWER of node 3 in epoch 4");
        log(2, "role CANDIDATE -> FOLLOWER of node 3 in epoch 4");
        log(3, "role CANDIDATE -> COORDINATOR (epoch 4)");
        assertEquals(Optional.empty(), agreement.coordinator(IDS));
        Files.writeString(logs.resolve("node-3.log"), "node 3: lock table recovered for epoch 4: holder none, queue []"
                + AT + "\n"); // the file begun again, shorter than what was read
        assertEquals(Optional.empty(), agreement.coordinator(IDS), "the caller asks the nodes instead");
    }
}
