package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.config.LogSettings;

/** A log that rolls: the current file and three rolled copies, the most recent lines, within the limit. */
class LoggingTest {
    private static final int LINE_BYTES = 100;

    @TempDir
    Path dir;

    @Test
    void theLogRollsAtItsShareAndKeepsTheMostRecentLinesWithinTheLimit() throws Exception {
        LogSettings limit = new LogSettings(64 * 1024);
        Path file = dir.resolve("node-1.log");
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new LogbackMDCAdapter());
        Logger log = ctx.getLogger("test");
        log.addAppender(Logging.rollingFile(ctx, file, limit, 10));
        int lines = 0;
        for (int round = 0; round < 40; round++) { // 40 rounds of 4 KB: 160 KB written, more than twice the limit
            for (int i = 0; i < 4096 / LINE_BYTES; i++) {
                log.info(String.format(Locale.US, "node 1: line %06d %s", lines++, "x".repeat(LINE_BYTES - 30)));
            }
            Thread.sleep(20); // past the size check's interval
        }
        ctx.stop();
        assertFalse(Files.exists(dir.resolve("node-1.log.4")));
        List<String> kept = new ArrayList<>();
        long onDisk = 0;
        for (String name : List.of("node-1.log.3", "node-1.log.2", "node-1.log.1", "node-1.log")) {
            Path f = dir.resolve(name);
            assertTrue(Files.exists(f), name);
            assertTrue(Files.size(f) <= limit.fileBytes() + 2 * 4096 * 1.5, name + " outgrew its share: " + Files.size(f));
            onDisk += Files.size(f);
            kept.addAll(Files.readAllLines(f));
        }
        assertTrue(onDisk <= limit.maxBytes() + 4 * 2 * 4096 * 1.5, "on disk " + onDisk);
        assertTrue(onDisk >= limit.maxBytes() / 2, "on disk " + onDisk);
        int first = Integer.parseInt(kept.get(0).substring("node 1: line ".length(), "node 1: line ".length() + 6));
        for (int i = 0; i < kept.size(); i++) { // in order, none missing, up to the last line written
            assertEquals(String.format(Locale.US, "node 1: line %06d", first + i), kept.get(i).substring(0, 19));
        }
        assertEquals(lines - 1, first + kept.size() - 1);
    }
}
