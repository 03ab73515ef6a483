package shelf.store;

import java.nio.file.Path;
import java.time.Clock;
import shelf.config.ClusterConfig;
import shelf.config.StoreConfig;
import shelf.library.FileLibraryStore;
import shelf.library.LibraryStore;
import shelf.library.StoreException;

/** Opens the library where {@code nodes.properties} says it is ({@code store=file} or {@code store=postgresql}). */
public final class Stores {
    private Stores() {
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

    /** The PostgreSQL database of {@code config} ({@code store=postgresql}), its sessions bounded below {@code lease.ms}. */
    public static Database database(ClusterConfig config) throws StoreException {
        return Database.of(config.store(), config.timings().leaseMs());
    }
}
