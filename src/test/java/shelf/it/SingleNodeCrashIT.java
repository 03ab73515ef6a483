package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.check.InvariantChecker;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.Op;
import shelf.library.SampleCatalog;

/** Issue 2: a node process killed with kill -9 in the middle of a stream of writes loses nothing acknowledged. */
class SingleNodeCrashIT {

    @Test
    void everyAcknowledgedWriteSurvivesKillDashNineAndNothingHalfWrittenIsApplied(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 1)) {
            f.cluster.startAll();
            f.awaitAgreement(List.of(1));
            List<String> acked = Collections.synchronizedList(new ArrayList<>());
            List<String> errors = Collections.synchronizedList(new ArrayList<>());
            ExecutorService clients = Executors.newFixedThreadPool(4);
            for (int c = 0; c < 4; c++) {
                int book = c + 1;
                String user = "client" + c;
                clients.execute(() -> {
                    // Each client borrows and returns its own book, so every operation it makes is allowed.
                    for (int i = 0; i < 100_000; i++) {
                        Command cmd = new Command(UUID.randomUUID().toString(), i % 2 == 0 ? Op.BORROW : Op.RETURN, book, user);
                        try {
                            if (f.execute(1, cmd).ok()) {
                                acked.add(cmd.requestId());
                            }
                        } catch (Exception e) {
                            errors.add(e.toString());
                            return;
                        }
                    }
                });
            }
            org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> acked.size() >= 200 || !errors.isEmpty());
            assertEquals(List.of(), errors, "no client failed before the crash");
            f.cluster.kill(1);
            clients.shutdown();
            assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
            int ackedBeforeCrash = acked.size();

            f.cluster.start(1);
            f.awaitAgreement(List.of(1));
            List<HistoryRecord> history = f.history(1);
            List<String> violations = InvariantChecker.check(history, acked, SampleCatalog.books(10),
                    Map.of("node 1", f.books(1)));
            assertEquals(List.of(), violations);
            assertTrue(history.size() >= ackedBeforeCrash, history.size() + " records, " + ackedBeforeCrash + " acknowledged");
        }
    }

    @Test
    void aTornLastRecordIsSkippedWithAWarningOnRestart(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 1)) {
            f.cluster.startAll();
            f.awaitAgreement(List.of(1));
            assertTrue(f.execute(1, new Command("a", Op.BORROW, 2, "alice")).ok());
            f.cluster.kill(1);
            Path history = dir.resolve("resources/history.log");
            Files.writeString(history, "0badc0de {\"seq\":2,\"time\":\"2026-11-24T10:00:00Z\",\"op\":\"BORR",
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            f.cluster.start(1);
            f.awaitAgreement(List.of(1));
            assertEquals(1, f.history(1).size());
            assertTrue(f.execute(1, new Command("b", Op.BORROW, 3, "bob")).ok(), "the node writes after the torn record");
            String log = Files.readString(dir.resolve("logs/node-1.log"));
            assertTrue(log.contains("line 2: skipping a torn last record"), log);
            assertEquals(List.of("alice", "bob"), f.history(1).stream().map(HistoryRecord::user).toList());
        }
    }
}
