package shelf.store;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.config.ClusterConfig;
import shelf.config.StoreConfig;
import shelf.library.FileLibraryStore;
import shelf.library.FileUserDirectory;
import shelf.library.LibraryStore;
import shelf.library.StoreException;
import shelf.library.UserDirectory;

/** Opens the library where {@code nodes.properties} says it is ({@code store=file} or {@code store=postgresql}). */
public final class Stores {
    private static final Logger log = LoggerFactory.getLogger(Stores.class);
    /** How long a node waits between attempts to reach its library's database while it is down. */
    static final long RETRY_MS = 1_000;
    /** How often a node still waiting for its database says so. */
    static final long NOTE_EVERY_MS = 30_000;

    /** Opens a library: {@link #open}, or a stand-in in tests. */
    @FunctionalInterface
    interface Opener {
        LibraryStore open() throws StoreException;
    }

    private Stores() {
    }

    /** What a node's log line says while it waits for an unreachable database (and {@code cluster restart} looks for). */
    public static final String WAITING_FOR_DATABASE = "waiting for the database";

    /**
     * As {@link #open}, but a PostgreSQL library whose database cannot be reached (not running yet, restarting, cut
     * off) is waited for: a node started before its database, as hosts may boot, or while it restarts, starts once it
     * is back instead of exiting. One WARN line when the wait begins and one every 30 s while it lasts, naming the
     * database and why; one line when it ends. Any other failure (a missing password file, a wrong password, a bad
     * schema, a file library's problem) is thrown at once.
     *
     * @throws InterruptedException when the node is stopped while it waits
     */
    public static LibraryStore openWaiting(ClusterConfig config, Path resources, Clock clock, String who)
            throws StoreException, InterruptedException {
        return waitFor(() -> open(config, resources, clock, who), config.store().kind() == StoreConfig.Kind.POSTGRESQL,
                who, RETRY_MS);
    }

    static LibraryStore waitFor(Opener opener, boolean database, String who, long retryMs)
            throws StoreException, InterruptedException {
        long began = System.nanoTime();
        long noted = 0;
        boolean waited = false;
        while (true) {
            try {
                LibraryStore store = opener.open();
                if (waited) {
                    log.info("{}: the library's database answers again, after {} ms of waiting", who,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
                }
                return store;
            } catch (StoreException e) {
                if (!database || !Database.unreachable(e)) {
                    throw e;
                }
                long now = System.nanoTime();
                if (!waited || now - noted >= TimeUnit.MILLISECONDS.toNanos(NOTE_EVERY_MS)) {
                    log.warn("{}: {}; " + WAITING_FOR_DATABASE + " (trying again every {} ms; stop the node to give up)", who,
                            e.getMessage(), retryMs);
                    noted = now;
                }
                waited = true;
                Thread.sleep(retryMs);
            }
        }
    }

    /**
     * The library of {@code config}: in {@code resources} (the shared folder) or in PostgreSQL.
     *
     * @param who how log lines name the owner, e.g. {@code "node 3"}
     */
    public static LibraryStore open(ClusterConfig config, Path resources, Clock clock, String who) throws StoreException {
        int loanDays = config.timings().loanDays();
        if (config.store().kind() == StoreConfig.Kind.POSTGRESQL) {
            return PostgresLibraryStore.open(database(config), clock, loanDays, who);
        }
        return FileLibraryStore.open(resources, clock, loanDays, who);
    }

    /**
     * Where {@code config} keeps the library's users: its users file ({@code users.file}), or the library's database
     * ({@code users=postgresql}); empty when user authentication is off.
     *
     * @throws StoreException when {@code users=postgresql} but the library is not in PostgreSQL, or its database cannot
     *                        be reached or upgraded
     */
    public static Optional<UserDirectory> users(ClusterConfig config, SecureRandom random) throws StoreException {
        if (!config.usersInDatabase()) {
            return config.usersFile().map(file -> new FileUserDirectory(file, random));
        }
        if (config.store().kind() != StoreConfig.Kind.POSTGRESQL) {
            throw new StoreException(config.source() + ": " + ClusterConfig.USERS + "=postgresql keeps the users in the"
                    + " library's database: it needs store=postgresql (or a users file: " + ClusterConfig.USERS_FILE + "=FILE)");
        }
        return Optional.of(PostgresUserDirectory.open(database(config), random));
    }

    /** The PostgreSQL database of {@code config} ({@code store=postgresql}), its sessions bounded below {@code lease.ms}. */
    public static Database database(ClusterConfig config) throws StoreException {
        return Database.of(config.store(), config.timings().leaseMs());
    }
}
