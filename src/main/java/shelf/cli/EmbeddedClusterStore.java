package shelf.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import shelf.config.ClusterConfig;
import shelf.config.StoreConfig;
import shelf.library.SampleCatalog;
import shelf.library.StoreException;
import shelf.store.Database;
import shelf.store.EmbeddedDatabase;
import shelf.store.PostgresLibrary;
import shelf.util.ExitCodes;

/**
 * {@code cluster --store postgresql}: a PostgreSQL server run by the {@code cluster} process, its data in
 * {@code resources/postgresql} (kept between runs), the library created in it when it has none, and a copy of
 * {@code nodes.properties} with the store settings that reach it ({@code resources/nodes-postgresql.properties}) for
 * the nodes to start with.
 */
final class EmbeddedClusterStore implements AutoCloseable {
    static final String DATA_DIR = "postgresql";
    static final String CONFIG_FILE = "nodes-postgresql.properties";
    /** How long a left-over server gets to end after each signal. */
    private static final long LEFT_OVER_WAIT_MS = 10_000;

    private final EmbeddedDatabase server;
    private final Path configFile;

    private EmbeddedClusterStore(EmbeddedDatabase server, Path configFile) {
        this.server = server;
        this.configFile = configFile;
    }

    /** Starts the server for the cluster in {@code dir} of {@code cluster} (read from {@code configFile}). */
    static EmbeddedClusterStore start(Path dir, Path configFile, ClusterConfig cluster) throws IOException {
        Path resources = dir.resolve("resources");
        Files.createDirectories(resources);
        EmbeddedDatabase server;
        try {
            // This process holds the folder's cluster lock: a server still running here is one a killed cluster left.
            EmbeddedDatabase.stopLeftOver(resources.resolve(DATA_DIR), LEFT_OVER_WAIT_MS).ifPresent(pid -> System.out.println(
                    "Stopped the PostgreSQL (pid " + pid + ") that an earlier cluster in this folder left running"));
            server = EmbeddedDatabase.start(resources.resolve(DATA_DIR), 0);
        } catch (StoreException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage());
        }
        try {
            Database db = Database.trusting(server.storeConfig(), cluster.timings().leaseMs());
            if (PostgresLibrary.books(db) == 0) {
                PostgresLibrary.create(db, SampleCatalog.books(InitCommand.DEFAULT_BOOKS), List.of());
                System.out.println("Created a library of " + InitCommand.DEFAULT_BOOKS + " books in the embedded PostgreSQL");
            }
            Path nodesConfig = resources.resolve(CONFIG_FILE);
            Files.write(nodesConfig, withStore(Files.readAllLines(configFile, StandardCharsets.UTF_8), server.storeConfig(),
                    configFile), StandardCharsets.UTF_8);
            System.out.println("PostgreSQL " + db.url() + " (data in resources/" + DATA_DIR + "); the nodes use "
                    + dir.relativize(nodesConfig));
            return new EmbeddedClusterStore(server, nodesConfig);
        } catch (StoreException e) {
            closeQuietly(server);
            throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage());
        }
    }

    /** The configuration's lines, its own store settings replaced by {@code store}'s. */
    private static List<String> withStore(List<String> lines, StoreConfig store, Path source) {
        List<String> out = new ArrayList<>();
        out.add("# Written by `shelf cluster --store postgresql` from " + source + "; rewritten at every start.");
        for (String line : lines) {
            if (!line.strip().startsWith("store")) {
                out.add(line);
            }
        }
        out.add("store=postgresql");
        out.add("store.url=" + store.url());
        out.add("store.user=" + store.user());
        return out;
    }

    Path configFile() {
        return configFile;
    }

    @Override
    public void close() {
        closeQuietly(server);
    }

    private static void closeQuietly(EmbeddedDatabase server) {
        try {
            server.close();
        } catch (StoreException e) {
            System.err.println(e.getMessage());
        }
    }
}
