package shelf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import shelf.api.LibraryService;
import shelf.cluster.LocalCluster;
import shelf.config.ConfigException;
import shelf.rmi.RmiServer;
import shelf.rmi.Stubs;

/** A throw-away cluster of node processes in a temporary folder, deleted on close. */
final class BenchCluster implements AutoCloseable {
    /** Every benchmark runs five nodes, as the seed did. */
    static final int NODES = 5;
    /** The node that coordinates once the cluster agrees (Bully: the highest id). */
    static final int COORDINATOR = NODES;
    /** The library's size, for benchmarks whose clients need no book of their own. */
    static final int BOOKS = 10;

    final LocalCluster cluster;
    private final Path dir;
    /** Ctrl-C (or SIGTERM) in the middle of a benchmark: stop the nodes, then delete their folder. */
    private final Thread onExit;

    BenchCluster(int nodes, int books, Map<String, String> settings, BenchCommand.Common common)
            throws IOException, ConfigException, InterruptedException {
        this(nodes, books, settings, common, null);
    }

    /** A cluster whose nodes run from {@code jar} (null: this build's). */
    BenchCluster(int nodes, int books, Map<String, String> settings, BenchCommand.Common common, Path jar)
            throws IOException, ConfigException, InterruptedException {
        dir = Files.createTempDirectory("shelf-bench");
        LocalCluster[] started = new LocalCluster[1];
        onExit = new Thread(() -> {
            if (started[0] != null) {
                started[0].close();
            }
            delete(dir);
        }, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(onExit);
        try {
            Path nodeJar = jar == null ? LocalCluster.currentJar() : jar;
            cluster = LocalCluster.create(dir, nodes, books, common.withEvents(settings), nodeJar, common.jvm)
                    .withNodeArgs(List.of("--log-level", common.nodeLogLevel().name()));
            started[0] = cluster;
        } catch (IOException | ConfigException | RuntimeException e) {
            close(null);
            throw e;
        }
        try {
            cluster.startAll();
            cluster.awaitAgreement(cluster.config().ids(), LocalCluster.AGREEMENT_TIMEOUT);
        } catch (IOException | RuntimeException | InterruptedException e) {
            cluster.close();
            if (keepOnExit()) {
                System.err.println("bench: the cluster did not start; its folder, with the nodes' logs, is kept at " + dir);
            }
            throw e;
        }
    }

    /** Takes back the shutdown hook (false when the JVM is already exiting: the hook deletes the folder then). */
    private boolean keepOnExit() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
            return true;
        } catch (IllegalStateException exiting) {
            return false;
        }
    }

    /** A client stub of node {@code id}, with a client's timeouts. */
    LibraryService library(int id) throws Exception {
        RmiServer.useClientTimeouts(cluster.config());
        return Stubs.lookup(cluster.config().require(id), LibraryService.class);
    }

    @Override
    public void close() {
        close(cluster);
    }

    private void close(LocalCluster nodes) {
        if (nodes != null) {
            nodes.close();
        }
        if (keepOnExit()) {
            delete(dir);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
