package shelf.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import shelf.config.LogSettings;

/**
 * Sets up logging for a node or a client: one file under {@code logs/}, lines that begin with the
 * node id (the message does), the time and level after it; the RMI runtime's JUL logging bridged in. The file rolls
 * at its share of {@code log.max.bytes} ({@link LogSettings}): {@code node-1.log} becomes {@code node-1.log.1}, and so
 * on up to {@code .3}.
 *
 * <p>Lines are written by the thread that logs them, straight to the file (a write to the page cache, a
 * few microseconds). An asynchronous appender costs more: at thousands of lock events a second, waking its worker
 * thread for each line slows every lock cycle (BENCHMARKS.md, "Figures behind design choices").
 */
public final class Logging {
    /** The time at the end of each line: the date too, since a log outlives a day. */
    public static final String TIME_FORMAT = "yyyy-MM-dd HH:mm:ss.SSS";

    /** Each line: the message (which starts with the node id or client name), then date, time and level. */
    static final String PATTERN = "%msg [%d{" + TIME_FORMAT + "} %level]%n%ex{short}";

    /** The levels an operator chooses between. */
    public enum Level {
        /** Heartbeats and RMI internals too. */
        DEBUG,
        /** One line per protocol event: the default. */
        INFO,
        /** Problems only (benchmarks that measure the protocol, not the log). */
        WARN
    }

    /** How often, at most, the log's size is looked at: a stat call, not on every line. */
    private static final long SIZE_CHECK_MS = 1_000;

    private Logging() {
    }

    /**
     * Sends logs to {@code file} (appending, rolled as {@code limit} says) and, if {@code console}, also to stdout.
     *
     * @param file  a path whose name has no {@code %} (a user's name or a node id: logback reads it as a pattern)
     * @param level DEBUG adds heartbeats and RMI internals; WARN keeps only problems
     */
    public static void toFile(Path file, LogSettings limit, boolean console, Level level) {
        boolean verbose = level == Level.DEBUG;
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        LevelChangePropagator propagator = new LevelChangePropagator();
        propagator.setContext(ctx);
        propagator.setResetJUL(true);
        propagator.start();
        ctx.addListener(propagator);

        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(ch.qos.logback.classic.Level.toLevel(level.name()));
        ch.qos.logback.classic.Level rmi = verbose ? ch.qos.logback.classic.Level.DEBUG : ch.qos.logback.classic.Level.WARN;
        ctx.getLogger("sun.rmi").setLevel(rmi);
        ctx.getLogger("java.rmi").setLevel(rmi);
        // the PostgreSQL store's schema migrations (Flyway) and embedded server: problems only, unless verbose
        ctx.getLogger("org.flywaydb").setLevel(rmi);
        ctx.getLogger("io.zonky").setLevel(rmi);
        // the JDK traces every serialization filter check at this logger's TRACE level: never wanted, and costly
        ctx.getLogger("java.io.serialization").setLevel(ch.qos.logback.classic.Level.INFO);

        root.addAppender(rollingFile(ctx, file, limit, SIZE_CHECK_MS));

        if (console) {
            ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
            out.setContext(ctx);
            out.setName("STDOUT");
            out.setEncoder(encoder(ctx, PATTERN));
            out.start();
            root.addAppender(out);
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    /**
     * An appender to {@code file} that rolls it into {@code file.1} … {@code file.3} when it has reached its share of the
     * limit, looking at its size at most every {@code checkMs} (logback's default is a minute: a busy node's file would
     * outgrow its share by a minute of lines).
     */
    static RollingFileAppender<ILoggingEvent> rollingFile(LoggerContext ctx, Path file, LogSettings limit, long checkMs) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(ctx);
        appender.setName("FILE");
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder(ctx, PATTERN));
        FixedWindowRollingPolicy rolled = new FixedWindowRollingPolicy();
        rolled.setContext(ctx);
        rolled.setParent(appender);
        rolled.setFileNamePattern(file + ".%i");
        rolled.setMinIndex(1);
        rolled.setMaxIndex(LogSettings.ROLLED);
        rolled.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> atSize = new SizeBasedTriggeringPolicy<>();
        atSize.setContext(ctx);
        atSize.setMaxFileSize(new FileSize(limit.fileBytes()));
        atSize.setCheckIncrement(Duration.buildByMilliseconds(checkMs));
        atSize.start();
        appender.setRollingPolicy(rolled);
        appender.setTriggeringPolicy(atSize);
        appender.start();
        return appender;
    }

    static PatternLayoutEncoder encoder(LoggerContext ctx, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    /** Flushes and stops logging (before the JVM exits). */
    public static void shutdown() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
