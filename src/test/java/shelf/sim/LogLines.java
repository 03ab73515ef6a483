package shelf.sim;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * While open, captures the lines Shelf's code logs at INFO and above (instead of printing them), so that a test can
 * bound how much a flood makes a node log. Tests run one at a time, so the {@code shelf} logger is the test's own.
 */
final class LogLines implements AutoCloseable {
    private final Logger shelf = (Logger) LoggerFactory.getLogger("shelf");
    private final Level level = shelf.getLevel();
    private final boolean additive = shelf.isAdditive();
    private final List<String> lines = new ArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getFormattedMessage());
        }
    };

    LogLines() {
        appender.setContext(shelf.getLoggerContext());
        appender.start();
        shelf.addAppender(appender);
        shelf.setLevel(Level.INFO);
        shelf.setAdditive(false);
    }

    /** Lines logged so far by node {@code id} (they begin "node N: "). */
    long of(int id) {
        String prefix = "node " + id + ": ";
        return lines.stream().filter(l -> l.startsWith(prefix)).count();
    }

    long total() {
        return lines.size();
    }

    /** Lines that contain {@code text}. */
    List<String> containing(String text) {
        return lines.stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
        shelf.detachAppender(appender);
        appender.stop();
        shelf.setLevel(level);
        shelf.setAdditive(additive);
    }
}
