package shelf.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import shelf.api.LibraryService;
import shelf.library.Command;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.util.ExitCodes;

/** {@code bench library}: durable borrow/return through RMI clients against a five-node cluster. */
@picocli.CommandLine.Command(name = "library", mixinStandardHelpOptions = true,
        description = {"Durable borrow/return operations (fsynced before the answer) from N concurrent clients spread over five "
                + "nodes. Clients are threads of this JVM, each calling LibraryService over RMI as RmiClient does.",
                "Measures after the JVMs are warm: load with the most clients runs in rounds of " + LibraryBench.WINDOW_SECONDS
                        + " s until no JVM's JIT compiler was busy for over " + WarmUp.QUIET_PERCENT
                        + " %% of a round (or --warm-up seconds pass)."})
final class LibraryBench implements Callable<Integer> {
    static final int WINDOW_SECONDS = 10;
    private static final int BYTES_PER_MIB = 1 << 20;

    @Spec
    CommandSpec spec;

    @Mixin
    BenchCommand.Common common;

    @Mixin
    BenchCommand.TlsOption tls;

    @Option(names = "--clients", split = ",", defaultValue = "1,5,20,50",
            description = "Client counts (default ${DEFAULT-VALUE}).")
    List<Integer> clientCounts;

    @Option(names = "--seconds", defaultValue = "5", description = "Seconds per run (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--runs", defaultValue = "3",
            description = "Runs per client count; the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warm-up", defaultValue = "300", paramLabel = "SECONDS",
            description = "At most this many seconds of warm-up load, not reported; it ends earlier, after the first "
                    + WINDOW_SECONDS + " s round in which the JIT compilers were quiet (default ${DEFAULT-VALUE}; 0: none).")
    int warmUpSeconds;

    @Option(names = "--store", paramLabel = "KIND", defaultValue = "file",
            description = "The library's store: file (a shared folder, the default) or postgresql (an embedded server).")
    String store;

    @Override
    public Integer call() throws Exception {
        validate();
        int maxClients = clientCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
        Map<String, Object> results = new LinkedHashMap<>();
        try (BenchStore library = BenchStore.start(store, maxClients, shelf.config.Timings.DEFAULTS.leaseMs());
             BenchCluster b = new BenchCluster(BenchCluster.NODES, maxClients, library.settings(tls.settings()), common)) {
            List<LibraryService> nodes = new ArrayList<>();
            for (int id : b.cluster.config().ids()) {
                nodes.add(b.library(id));
            }
            results.put("warm-up", WarmUp.run(b, common, WINDOW_SECONDS, warmUpSeconds,
                    window -> run(nodes, maxClients, window).perSecond()));
            for (int clients : clientCounts) {
                results.put(clients + " clients", measure(b, nodes, clients));
            }
            long peakHeap = 0;
            long peakRss = 0;
            for (int id : b.cluster.config().ids()) {
                peakHeap = Math.max(peakHeap, NodeCounters.of(b, id).get("jvm.heap.peak-bytes"));
                peakRss = Math.max(peakRss, Machine.peakResidentBytes(b.cluster.process(id).pid()));
            }
            results.put("largest node peak heap (MiB)", Math.round(peakHeap / (double) BYTES_PER_MIB * 10) / 10.0);
            results.put("largest node peak resident (MiB)", Math.round(peakRss / (double) BYTES_PER_MIB * 10) / 10.0);
        }
        common.report("library", common.settings("clients", clientCounts, "seconds per run", seconds, "runs", runs,
                "warm-up at most (s)", warmUpSeconds, "nodes", BenchCluster.NODES, "tls", tls.tls, "store", store,
                "operation", "borrow then return of the client's own book"),
                results);
        return ExitCodes.OK;
    }

    private void validate() {
        if (clientCounts.stream().anyMatch(c -> c < 1)) {
            throw new ParameterException(spec.commandLine(), "--clients: each count must be at least 1, got " + clientCounts);
        }
        if (new LinkedHashSet<>(clientCounts).size() != clientCounts.size()) {
            throw new ParameterException(spec.commandLine(), "--clients: " + clientCounts
                    + " names a count twice; use --runs to repeat one");
        }
        if (!store.equals("file") && !store.equals("postgresql")) {
            throw new ParameterException(spec.commandLine(), "--store must be file or postgresql, got '" + store + "'");
        }
        if (seconds < 1 || runs < 1 || warmUpSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--seconds and --runs must be at least 1, --warm-up at least 0");
        }
    }

    /** {@link #runs} runs with {@code clients} clients: the median run, each run's rate, and what the nodes did meanwhile. */
    private Map<String, Object> measure(BenchCluster b, List<LibraryService> nodes, int clients) {
        NodeCounters before = NodeCounters.sum(b);
        List<Stats> each = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            each.add(run(nodes, clients, seconds));
            common.progress(clients + " clients, run " + (i + 1) + ": " + each.get(i));
        }
        NodeCounters during = NodeCounters.sum(b).minus(before);
        double wall = each.stream().mapToDouble(Stats::seconds).sum();
        long ops = each.stream().mapToLong(Stats::count).sum();
        long batches = during.get("store.batches");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("stats", Stats.median(each));
        r.put("ops/s per run", each.stream().map(s -> Math.round(s.perSecond())).toList());
        r.put("ops per grant (fsync)", batches == 0 ? 0 : Math.round(10.0 * ops / batches) / 10.0);
        // Writes are serialized cluster-wide, so wall / batches is one batch's turn: its write under the lock, then
        // the lock's hand-over to the next holder; the file store's fsync comes after the release, a database's commit
        // is inside the write.
        r.put("ms per batch (wall / batches)", batches == 0 ? 0 : Math.round(10_000.0 * wall / batches) / 10.0);
        r.put("store write ms per batch (under the lock)", perBatchMs(during.get("store.append-us"), batches));
        r.put("fsync ms per batch (after the release)", perBatchMs(during.get("store.sync-us"), batches));
        r.put("node GC pauses per s", Math.round(10.0 * during.get("jvm.gc.collections") / wall) / 10.0);
        r.put("node GC ms per s", Math.round(10.0 * during.get("jvm.gc.ms") / wall) / 10.0);
        r.put("node JIT ms per s", Math.round(10.0 * during.get("jvm.jit.compile-ms") / wall) / 10.0);
        return r;
    }

    private static double perBatchMs(long micros, long batches) {
        return batches == 0 ? 0 : Math.round(micros / 100.0 / batches) / 10.0;
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
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int k = 0; k < clients; k++) {
            int client = k;
            all.add(CompletableFuture.supplyAsync(() -> {
                LibraryService node = nodes.get(client % nodes.size());
                long[] lat = new long[1 << 16];
                int n = 0;
                String user = "bench" + client;
                int first = holds(node, user, client + 1) ? 1 : 0; // the last run may have ended with the book borrowed
                for (int i = first; System.nanoTime() < end; i++) {
                    Command c = new Command(UUID.randomUUID().toString(), i % 2 == 0 ? Op.BORROW : Op.RETURN, client + 1, user);
                    long t = System.nanoTime();
                    try {
                        Outcome o = node.execute(c);
                        if (!o.ok()) {
                            failures.merge("refused: " + o.message().replaceAll("\\d+", "N"), 1L, Long::sum);
                        }
                    } catch (Exception e) {
                        String why = e.getClass().getSimpleName() + ": " + e.getMessage();
                        failures.merge(why.replaceAll("\\d+", "N"), 1L, Long::sum);
                    }
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = System.nanoTime() - t;
                }
                return Arrays.copyOf(lat, n);
            }, pool));
        }
        long[] merged = all.stream().map(CompletableFuture::join).flatMapToLong(Arrays::stream).toArray();
        pool.shutdown();
        failures.forEach((why, n) -> System.err.println("  ... " + n + " operations: " + why));
        return Stats.of(merged, (System.nanoTime() - start) / 1e9);
    }
}
