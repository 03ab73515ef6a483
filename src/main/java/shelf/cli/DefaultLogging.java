package shelf.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The log of every command that does not set up its own ({@code bench}, {@code admin}, {@code init}, {@code cluster},
 * {@code demo}, and a client or node until {@link Logging#toFile} replaces it): problems only, on stderr, so that stdout
 * carries nothing but the command's output (a JSON document must parse).
 *
 * <p>Set up in code, found by logback through {@code META-INF/services}: a {@code logback.xml} cost a cold JVM its XML
 * parser and logback's configuration model, about 400 classes and a fifth of a one-shot client's start-up (BENCHMARKS.md,
 * "Start-up"). A {@code logback.configurationFile} system property or a {@code logback-test.xml} on the class path
 * still wins: this configurator then steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class DefaultLogging extends ContextAwareBase implements Configurator {
    /** Each line: the message, then date, time and level; no stack trace. */
    static final String PATTERN = "%msg [%d{" + Logging.TIME_FORMAT + "} %level]%n";

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        if (System.getProperty("logback.configurationFile") != null
                || DefaultLogging.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.NEUTRAL;
        }
        apply(ctx);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Root at WARN, one appender to stderr. */
    static void apply(LoggerContext ctx) {
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(ctx);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(Logging.encoder(ctx, PATTERN));
        stderr.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
    }
}
