package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class DefaultLoggingTest {
    @Test
    void logbackFindsItThroughTheServiceFile() {
        assertTrue(ServiceLoader.load(Configurator.class).stream().anyMatch(p -> p.type() == DefaultLogging.class));
    }

    @Test
    void problemsOnlyOnStderr() {
        LoggerContext ctx = new LoggerContext();
        DefaultLogging.apply(ctx);

        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.WARN, root.getLevel());
        ConsoleAppender<?> stderr = assertInstanceOf(ConsoleAppender.class, root.getAppender("STDERR"));
        assertEquals("System.err", stderr.getTarget());
        assertTrue(stderr.isStarted());
    }

    @Test
    void aTestConfigurationOnTheClassPathWins() {
        // this module's tests have a logback-test.xml: the configurator steps aside for it
        DefaultLogging configurator = new DefaultLogging();
        LoggerContext ctx = new LoggerContext();
        configurator.setContext(ctx);
        assertEquals(Configurator.ExecutionStatus.NEUTRAL, configurator.configure(ctx));
    }
}
