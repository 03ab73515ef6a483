package shelf.bench;

import java.rmi.registry.LocateRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shelf.config.NodeAddress;
import shelf.library.Op;
import shelf.node.NodeStatus;
import shelf.rmi.LibraryService;
import shelf.rmi.RmiServer;
import shelf.rmi.TimeoutClientSocketFactory;

/** {@code bench library}: durable borrow/return through RMI clients against a five-node cluster. */
@picocli.CommandLine.Command(name = "library", mixinStandardHelpOptions = true,
        description = {"Durable borrow/return operations (fsynced before the answer) from N concurrent clients spread",
                "over five nodes. Clients are threads of this JVM, each calling LibraryService over RMI as RmiClient does."})
final class LibraryBench implements Callable<Integer> {
    @Mixin
    BenchCommand.Common common;

    @Option(names = "--clients", split = ",", defaultValue = "1,5,20,50", description = "Client counts (default ${DEFAULT-VALUE}).")
    List<Integer> clientCounts;

    @Option(names = "--seconds", defaultValue = "5", description = "Seconds per client count (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warm-up", defaultValue = "60", paramLabel = "SECONDS",
            description = "Seconds of load with the most clients before measuring, not reported (default ${DEFAULT-VALUE}).")
    int warmUpSeconds;

    @Override
    public Integer call() throws Exception {
        int maxClients = clientCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
        Map<String, Object> results = new LinkedHashMap<>();
        try (BenchCluster b = new BenchCluster(5, maxClients, Map.of(), common)) {
            RmiServer.useClientTimeouts(b.cluster.config());
            List<LibraryService> nodes = new ArrayList<>();
            for (NodeAddress a : b.cluster.config().nodes().values()) {
                nodes.add((LibraryService) LocateRegistry.getRegistry(a.host(), a.port(), new TimeoutClientSocketFactory())
                        .lookup(LibraryService.NAME));
            }
            Stats warm = run(nodes, maxClients, warmUpSeconds); // until the nodes' JIT has compiled the write path
            common.progress("warmed up: " + maxClients + " clients for " + warmUpSeconds + " s, " + warm);
            for (int clients : clientCounts) {
                long batchesBefore = batches(b);
                Stats stats = run(nodes, clients, seconds);
                long batches = batches(b) - batchesBefore;
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("stats", stats);
                r.put("ops per grant (fsync)", batches == 0 ? 0 : Math.round(10.0 * stats.count() / batches) / 10.0);
                results.put(clients + " clients", r);
                common.progress(clients + " clients: " + stats);
            }
            long peakHeap = 0;
            long peakRss = 0;
            for (int id : b.cluster.config().ids()) {
                NodeStatus s = b.cluster.status(id).orElseThrow();
                peakHeap = Math.max(peakHeap, s.counters().getOrDefault("jvm.heap.peak-bytes", 0L));
                peakRss = Math.max(peakRss, Machine.peakResidentBytes(b.cluster.process(id).pid()));
            }
            results.put("largest node peak heap (MiB)", Math.round(peakHeap / 1048576.0 * 10) / 10.0);
            results.put("largest node peak resident (MiB)", Math.round(peakRss / 1048576.0 * 10) / 10.0);
        }
        common.report("library", common.settings("clients", clientCounts, "seconds each", seconds, "warm-up seconds", warmUpSeconds, "nodes", 5,
                "operation", "borrow then return of the client's own book"), results);
        return 0;
    }

    private static long batches(BenchCluster b) {
        long sum = 0;
        for (int id : b.cluster.config().ids()) {
            sum += b.cluster.status(id).orElseThrow().counters().getOrDefault("store.batches", 0L);
        }
        return sum;
    }

    private static boolean holds(LibraryService node, String user, int book) {
        try {
            return node.loans(user).stream().anyMatch(b -> b.id() == book);
        } catch (Exception e) {
            return false;
        }
    }

    /** Each client borrows and returns its own book through node (k mod 5) + 1 until time is up. */
    private static Stats run(List<LibraryService> nodes, int clients, int seconds) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ConcurrentMap<String, Long> failures = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        List<CompletableFuture<long[]>> all = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        for (int k = 0; k < clients; k++) {
            int client = k;
            all.add(CompletableFuture.supplyAsync(() -> {
                LibraryService node = nodes.get(client % nodes.size());
                long[] lat = new long[1 << 16];
                int n = 0;
                String user = "bench" + client;
                int first = holds(node, user, client + 1) ? 1 : 0; // the last run may have ended with the book borrowed
                for (int i = first; System.nanoTime() < end; i++) {
                    shelf.library.Command c = new shelf.library.Command(UUID.randomUUID().toString(), i % 2 == 0 ? Op.BORROW : Op.RETURN, client + 1,
                            user);
                    long t = System.nanoTime();
                    try {
                        shelf.library.Outcome o = node.execute(c);
                        if (!o.ok()) {
                            failures.merge("refused: " + o.message().replaceAll("\\d+", "N"), 1L, Long::sum);
                        }
                    } catch (Exception e) {
                        failures.merge(e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replaceAll("\\d+", "N"), 1L, Long::sum);
                    }
                    if (n == lat.length) {
                        lat = java.util.Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = System.nanoTime() - t;
                }
                return java.util.Arrays.copyOf(lat, n);
            }, pool));
        }
        long[] merged = all.stream().map(CompletableFuture::join).flatMapToLong(java.util.Arrays::stream).toArray();
        pool.shutdown();
        failures.forEach((why, n) -> System.err.println("  ... " + n + " operations: " + why));
        return Stats.of(merged, (System.nanoTime() - start) / 1e9);
    }
}
