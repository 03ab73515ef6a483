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
 * created before the nodes start, and the store faults that only a database has, for every node at once: the server
 * stopped (connections refused; started again on the same port with the same data at the heal), or frozen (SIGSTOP to
 * every process of it: connections open and silent, as a hung or cut-off database host; resumed at the heal). Each
 * node reconnects on its next operation.
 */
final class ChaosDatabase implements AutoCloseable {
    private enum State { RUNNING, STOPPED, FROZEN }

    private EmbeddedDatabase server;
    private State state = State.RUNNING;

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

    /**
     * Stops the server (sessions ended, committed data kept), or with {@code freeze} freezes it: every node's
     * operations fail until {@link #resume}. Nothing when it is already stopped or frozen.
     */
    synchronized String stop(boolean freeze) throws StoreException {
        if (state == State.RUNNING) {
            if (freeze) {
                server.freeze();
            } else {
                server.close();
            }
            state = freeze ? State.FROZEN : State.STOPPED;
        }
        return "PostgreSQL on port " + server.port() + (state == State.FROZEN
                ? " frozen (SIGSTOP: connections open, no answers)" : " stopped");
    }

    /** Starts the server again after {@link #stop}, on its port with its data, or thaws it; nothing when it runs. */
    synchronized void resume() throws StoreException {
        if (state == State.STOPPED) {
            server = server.startAgain();
        } else if (state == State.FROZEN) {
            server.thaw();
        }
        state = State.RUNNING;
    }

    synchronized boolean running() {
        return state == State.RUNNING;
    }

    @Override
    public synchronized void close() throws StoreException {
        if (state == State.FROZEN) {
            server.thaw(); // a frozen server cannot shut down
            state = State.RUNNING;
        }
        if (state == State.RUNNING) {
            server.close();
            state = State.STOPPED;
        }
    }
}
