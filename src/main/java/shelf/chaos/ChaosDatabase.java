package shelf.chaos;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import shelf.library.SampleCatalog;
import shelf.library.StoreException;
import shelf.store.Database;
import shelf.store.EmbeddedDatabase;
import shelf.store.PostgresLibrary;

/**
 * The PostgreSQL library of {@code chaos --store postgresql}: an embedded server in the run's folder, its library
 * created before the nodes start, and the store fault that only a database has: the server stopped for the fault's
 * time, then started again on the same port with the same data (each node reconnects on its next write).
 */
final class ChaosDatabase implements AutoCloseable {
    private EmbeddedDatabase server;
    private boolean stopped;

    private ChaosDatabase(EmbeddedDatabase server) {
        this.server = server;
    }

    /** Starts the server with its data in {@code data}, and creates a library of {@code books} books in it. */
    static ChaosDatabase start(Path data, int books, long leaseMs) throws StoreException {
        EmbeddedDatabase server = EmbeddedDatabase.start(data, 0);
        try {
            PostgresLibrary.create(Database.trusting(server.storeConfig(), leaseMs), SampleCatalog.books(books), List.of());
            return new ChaosDatabase(server);
        } catch (StoreException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The nodes' store settings, to reach this server. */
    Map<String, String> settings() {
        return Map.of("store", "postgresql", "store.url", server.storeConfig().url(), "store.user",
                server.storeConfig().user());
    }

    /** Stops the server (sessions ended, committed data kept): every node's writes fail until {@link #resume}. */
    synchronized String stop() throws StoreException {
        if (!stopped) {
            server.close();
            stopped = true;
        }
        return "PostgreSQL on port " + server.port() + " stopped";
    }

    /** Starts the server again after {@link #stop}, on its port with its data; nothing when it runs. */
    synchronized void resume() throws StoreException {
        if (stopped) {
            server = server.startAgain();
            stopped = false;
        }
    }

    synchronized boolean running() {
        return !stopped;
    }

    @Override
    public synchronized void close() throws StoreException {
        if (!stopped) {
            server.close();
            stopped = true;
        }
    }
}
