package shelf.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import shelf.protocol.Message;

/** A dead peer costs the INFO log a line at each change of state and a summary every 30 s, not two lines a second. */
class MessageLogTest {
    private final Logger node = (Logger) LoggerFactory.getLogger("shelf.node");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Level level = node.getLevel();
    private long now;

    @BeforeEach
    void capture() {
        lines.start();
        node.addAppender(lines);
        node.setLevel(Level.INFO);
    }

    @AfterEach
    void release() {
        node.detachAppender(lines);
        node.setLevel(level);
    }

    private List<String> info() {
        return lines.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aPeerDownForTwoMinutesIsOneLineThenASummaryEveryThirtySecondsThenOneLineWhenBack() {
        MessageLog log = new MessageLog("node 5", new Counters(), () -> now);
        Message.Coordinator announce = new Message.Coordinator(5, 35);
        // The coordinator re-announces itself to node 3, dead, twice a second for two minutes.
        for (now = 0; now <= 120_000; now += 500) {
            log.sent(3, announce);
            log.undeliverable(3, announce);
        }
        log.received(new Message.Election(3, 30));

        assertEquals(List.of(
                "node 5: sent to node 3: " + announce,
                "node 5: node 3 unreachable (could not deliver " + announce
                        + "); further attempts at DEBUG, a summary every 30 s",
                "node 5: node 3 still unreachable (30 s, 61 attempts)",
                "node 5: node 3 still unreachable (60 s, 121 attempts)",
                "node 5: node 3 still unreachable (90 s, 181 attempts)",
                "node 5: node 3 still unreachable (120 s, 241 attempts)",
                "node 5: node 3 reachable again after 120 s (241 failed attempts)"),
                info().subList(0, 7));
        assertEquals(8, info().size(), info().toString()); // and the ELECTION received from it
        assertTrue(info().get(7).startsWith("node 5: received Election"), info().toString());
    }
}
