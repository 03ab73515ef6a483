package shelf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import shelf.config.StoreConfig;
import shelf.library.SampleCatalog;
import shelf.library.StoreException;
import shelf.store.Database;
import shelf.store.EmbeddedDatabase;
import shelf.store.PostgresLibrary;

/**
 * {@code --store} of a benchmark: the file library (nothing to start) or an embedded PostgreSQL with a fresh library
 * of {@code books} books, run by the benchmark's JVM, its data in a temporary folder deleted on close.
 */
final class BenchStore implements AutoCloseable {
    private final EmbeddedDatabase server;
    private final Path dir;

    private BenchStore(EmbeddedDatabase server, Path dir) {
        this.server = server;
        this.dir = dir;
    }

    /** {@code kind} {@code file} or {@code postgresql}; the other settings of the cluster are {@code settings}. */
    static BenchStore start(String kind, int books, long leaseMs) throws IOException, StoreException {
        if (kind.equals("file")) {
            return new BenchStore(null, null);
        }
        Path dir = Files.createTempDirectory("shelf-bench-pg");
        EmbeddedDatabase server = EmbeddedDatabase.start(dir.resolve("data"), 0);
        PostgresLibrary.create(Database.trusting(server.storeConfig(), leaseMs), SampleCatalog.books(books), List.of());
        return new BenchStore(server, dir);
    }

    /** {@code settings} with the store lines that reach this store (none for the file library). */
    Map<String, String> settings(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        if (server != null) {
            StoreConfig store = server.storeConfig();
            all.put("store", "postgresql");
            all.put("store.url", store.url());
            all.put("store.user", store.user());
        }
        return all;
    }

    @Override
    public void close() throws StoreException {
        if (server != null) {
            server.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("bench: could not delete " + dir + ": " + e.getMessage());
            }
        }
    }
}
