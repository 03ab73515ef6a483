package shelf.store;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import shelf.config.StoreConfig;
import shelf.library.StoreException;
import shelf.util.Texts;
import shelf.util.Throwables;

/**
 * The PostgreSQL database a {@link StoreConfig} names: opens sessions whose waits are bounded, and migrates the schema.
 *
 * <p>A row lock has no lease, so every session is bounded below the cluster lock's lease: a holder paused inside its
 * transaction (SIGSTOP, a GC pause) loses its session after {@code idle_in_transaction_session_timeout}, and a writer
 * waits at most {@code lock_timeout} for a row; both are half of {@code lease.ms}, so by the time the lock server gives
 * the lock to the next holder, the paused one's transaction has been rolled back. Connect, login and socket timeouts turn
 * a database that stops answering into an error, not a hang. Thread-safe; immutable.
 */
public final class Database {
    private static final int MIN_SOCKET_TIMEOUT_S = 2;
    /** PostgreSQL's SQLSTATE for a table that does not exist: a database without Shelf's schema yet. */
    private static final String UNDEFINED_TABLE = "42P01";
    /** The version of the newest migration in {@code db/migration/shelf} ({@code V<version>__*.sql}). */
    static final String SCHEMA_VERSION = "2";

    private final StoreConfig config;
    private final String password;
    private final long leaseMs;
    /** Set once this process has brought the schema up to date: nodes and tools migrate once. */
    private volatile boolean migrated;

    private Database(StoreConfig config, String password, long leaseMs) {
        this.config = config;
        this.password = password;
        this.leaseMs = leaseMs;
    }

    /**
     * The database of {@code config}, its password read now: from the password file (readable by its owner only) or
     * the environment variable.
     *
     * @param leaseMs the cluster lock's lease: sessions are bounded below it
     * @throws StoreException when the password file is missing, unreadable or readable by others
     */
    public static Database of(StoreConfig config, long leaseMs) throws StoreException {
        return new Database(config, password(config), leaseMs);
    }

    /** The same database without a password (an embedded one that trusts local connections), for tests and tools. */
    public static Database trusting(StoreConfig config, long leaseMs) {
        return new Database(config, null, leaseMs);
    }

    private static String password(StoreConfig config) throws StoreException {
        Path file = config.passwordFile();
        if (file == null) {
            return System.getenv(config.passwordEnv());
        }
        try {
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                    throw new StoreException(file + ": the database password file may be read by others; chmod 600 " + file);
                }
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new StoreException(file + ": the database password file (store.password-file) does not exist");
        } catch (IOException e) {
            throw new StoreException(file + ": cannot read the database password file: " + e.getMessage(), e);
        }
    }

    /** Where the database is, for messages (the URL: it holds no password, which is never a setting). */
    public String url() {
        return config.url();
    }

    /**
     * How long a session may take to connect, to log in and to answer a read, in seconds, as pgjdbc's properties: the
     * login too, since a database that accepts the connection and then says nothing (paused, or cut off after the TCP
     * handshake) held a new session's start, and a node's start with it, for as long as that lasted.
     */
    private Properties timeouts() {
        long leaseS = Math.max(1, leaseMs / 1000);
        long socketS = Math.max(MIN_SOCKET_TIMEOUT_S, 2 * leaseS);
        Properties props = new Properties();
        props.setProperty("connectTimeout", Long.toString(leaseS));
        props.setProperty("loginTimeout", Long.toString(socketS));
        props.setProperty("socketTimeout", Long.toString(socketS));
        return props;
    }

    /** A new session, in manual-commit mode, with the bounded waits above. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", config.user());
        if (password != null) {
            props.setProperty("password", password);
        }
        props.putAll(timeouts());
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", "shelf");
        Connection c = DriverManager.getConnection(config.url(), props);
        try (Statement s = c.createStatement()) {
            long half = Math.max(1, leaseMs / 2);
            s.execute("SET idle_in_transaction_session_timeout = " + half);
            s.execute("SET lock_timeout = " + half);
            s.execute("SET statement_timeout = " + Math.max(1, leaseMs));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        c.setAutoCommit(false);
        return c;
    }

    /**
     * Creates or upgrades the schema (Flyway, {@code db/migration/shelf}); safe when several nodes do it at once. A schema
     * already at {@link #SCHEMA_VERSION} is seen with one query, without starting Flyway (seconds on a busy machine).
     */
    public void migrate() throws StoreException {
        if (migrated) {
            return;
        }
        try {
            if (schemaIsCurrent()) {
                migrated = true;
                return;
            }
        } catch (SQLException e) {
            throw failed("checking the library's schema", e); // not reached, or refused us: no Flyway (it would hang)
        }
        try {
            Flyway.configure(Database.class.getClassLoader()).dataSource(withTimeouts(config.url()), config.user(), password)
                    .locations("classpath:db/migration/shelf").loggers("slf4j").load().migrate();
            migrated = true;
        } catch (FlywayException e) {
            // Flyway's messages span lines (a rule, then "SQL State", "Error Code", "Message"): the first says it all.
            throw new StoreException(config.url() + ": cannot create or upgrade the library's schema: "
                    + Texts.firstLine(e.getMessage(), "(no message)"), e);
        }
    }

    /** Whether the schema is at {@link #SCHEMA_VERSION}: false when it is older or there is none yet. */
    private boolean schemaIsCurrent() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
                        + " ORDER BY installed_rank DESC LIMIT 1")) {
            return rs.next() && SCHEMA_VERSION.equals(rs.getString(1));
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return false; // a new database: Flyway creates the schema
            }
            throw e;
        }
    }

    /** {@code url} with this class's connect, login and socket timeouts, for Flyway, which opens its own sessions. */
    private String withTimeouts(String url) {
        Properties props = timeouts();
        StringBuilder b = new StringBuilder(url).append(url.contains("?") ? '&' : '?');
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            b.append(key).append('=').append(props.getProperty(key)).append('&');
        }
        return b.substring(0, b.length() - 1);
    }

    /**
     * Whether {@code e} says the database could not be reached, rather than that it refused: a connection refused or
     * timed out, or PostgreSQL's connection errors (SQLSTATE class 08) and "the database system is starting up" or
     * "shutting down" (57P03, 57P01). A wrong password (28P01) or a missing schema is no such failure.
     */
    public static boolean unreachable(Throwable e) {
        return Throwables.anyCause(e, t -> t instanceof ConnectException || t instanceof NoRouteToHostException
                || t instanceof SQLException sql && sql.getSQLState() != null && (sql.getSQLState().startsWith("08")
                || sql.getSQLState().equals("57P03") || sql.getSQLState().equals("57P01")));
    }


    /** An error talking to the database as one line, naming it. */
    StoreException failed(String doing, SQLException e) {
        return new StoreException("PostgreSQL " + config.url() + ": " + doing + ": " + oneLine(e), e);
    }

    private static String oneLine(SQLException e) {
        String line = Texts.firstLine(e.getMessage(), e.getClass().getSimpleName());
        return line.endsWith(".") ? line.substring(0, line.length() - 1) : line; // the caller's sentence goes on after it
    }
}
