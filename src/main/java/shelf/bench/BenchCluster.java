package shelf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import shelf.api.LibraryService;
import shelf.cluster.LocalCluster;
import shelf.config.ConfigException;

/** A throw-away cluster of node processes in a temporary folder, deleted on close. */
final class BenchCluster implements AutoCloseable {
    final LocalCluster cluster;
    private final Path dir;

    BenchCluster(int nodes, int books, Map<String, String> settings, BenchCommand.Common common)
            throws IOException, ConfigException, InterruptedException {
        dir = Files.createTempDirectory("shelf-bench");
        cluster = LocalCluster.create(dir, nodes, books, settings, LocalCluster.currentJar(), common.jvm)
                .withNodeArgs(List.of("--log-level", common.nodeLogLevel));
        try {
            cluster.startAll();
            cluster.awaitAgreement(cluster.config().ids(), Duration.ofSeconds(30));
        } catch (IOException | RuntimeException | InterruptedException e) {
            cluster.close();
            System.err.println("bench: the cluster did not start; its folder, with the nodes' logs, is kept at " + dir);
            throw e;
        }
    }

    /** A client stub of node {@code id}, with a client's timeouts. */
    shelf.api.LibraryService library(int id) throws Exception {
        shelf.rmi.RmiServer.useClientTimeouts(cluster.config());
        shelf.config.NodeAddress a = cluster.config().node(id).orElseThrow();
        return (shelf.api.LibraryService) java.rmi.registry.LocateRegistry.getRegistry(a.host(), a.port(),
                new shelf.rmi.TimeoutClientSocketFactory()).lookup(shelf.api.LibraryService.NAME);
    }

    @Override
    public void close() throws IOException {
        cluster.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
