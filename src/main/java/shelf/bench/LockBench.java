package shelf.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import shelf.api.AdminService;
import shelf.cluster.LocalCluster;
import shelf.util.ExitCodes;

/** {@code bench lock}: acquire/release cycles of the cluster mutex over real RMI. */
@Command(name = "lock", mixinStandardHelpOptions = true,
        description = {"Acquire/release cycles of the cluster lock through the coordinator over real RMI.",
                "From one node (a follower), from the coordinator itself, and from all five nodes at once."})
final class LockBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BenchCommand.Common common;

    @Mixin
    BenchCommand.TlsOption tls;

    /** The defaults of --cycles and --curator-warm-up. */
    static final int DEFAULT_CYCLES = 5000;
    static final int DEFAULT_CURATOR_WARM_UP_SECONDS = 20;
    /** The results' names of the follower's and the contended figures. */
    static final String ONE_FOLLOWER = "one node (follower 1)";
    static final String ALL_FIVE = "all five nodes at once";
    /** The results' names of the floors: an empty RMI call, and a round trip with no RMI ({@link SocketEcho}). */
    static final String RMI_FLOOR = "empty RMI call on loopback (the floor)";
    static final String ECHO_FLOOR = "a round trip without RMI, one connection (under the floor)";

    @Option(names = "--cycles", defaultValue = "" + DEFAULT_CYCLES,
            description = "Cycles per node per run (default ${DEFAULT-VALUE}).")
    int cycles;

    @Option(names = "--runs", defaultValue = "3", description = "Runs; the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warm-up", defaultValue = "120", paramLabel = "SECONDS",
            description = "At most this many seconds of cycles from all nodes, not reported; it ends earlier, after the first "
                    + WARM_UP_ROUND_SECONDS + " s round in which the JIT compilers were quiet"
                    + " (default ${DEFAULT-VALUE}; 0: none).")
    int warmUpSeconds;

    @Option(names = "--vs-curator", description = "Also run Apache Curator's InterProcessMutex on an embedded ZooKeeper, as"
            + " shipped (forceSync=yes) and with forceSync=no, in the same command, and print Shelf's ratio to each"
            + " (needs target/curator.classpath and target/test-classes, from mvn package).")
    boolean vsCurator;

    @Option(names = "--curator-warm-up", defaultValue = "" + DEFAULT_CURATOR_WARM_UP_SECONDS, paramLabel = "SECONDS",
            description = "Seconds of Curator cycles before its measured runs (default ${DEFAULT-VALUE}).")
    int curatorWarmUpSeconds;

    private static final int WARM_UP_ROUND_SECONDS = 5;
    private static final int BASELINE_CALLS = 20_000;

    @Override
    public Integer call() throws Exception {
        if (cycles < 1 || runs < 1 || warmUpSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--cycles and --runs must be at least 1, --warm-up at least 0");
        }
        Map<String, Object> results = measure();
        common.report("lock", common.settings("cycles per node", cycles, "runs", runs, "warm-up at most (s)", warmUpSeconds,
                "nodes", BenchCluster.NODES, "tls", tls.tls, "vs Curator", vsCurator), results);
        return ExitCodes.OK;
    }

    /** The figures {@link #call} reports (and {@code bench summary} takes a few of): the floor, the three loads, Curator. */
    Map<String, Object> measure() throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put(RMI_FLOOR, RmiBaseline.measure(BASELINE_CALLS, tls.on()));
        results.put(ECHO_FLOOR, SocketEcho.measure(BASELINE_CALLS, tls.on()));
        try (BenchCluster b = new BenchCluster(BenchCluster.NODES, BenchCluster.BOOKS, tls.settings(), common)) {
            AdminService follower = b.cluster.admin(1);
            AdminService coordinator = b.cluster.admin(BenchCluster.COORDINATOR);
            List<AdminService> all = new ArrayList<>();
            for (int id : b.cluster.config().ids()) {
                all.add(b.cluster.admin(id));
            }
            results.put("warm-up", WarmUp.run(b, common, WARM_UP_ROUND_SECONDS, warmUpSeconds,
                    seconds -> warmUpRound(all, follower, seconds)));
            Map<String, Run> loads = new LinkedHashMap<>();
            loads.put(ONE_FOLLOWER, () -> timed(follower, cycles));
            loads.put("the coordinator itself (node 5)", () -> timed(coordinator, cycles));
            loads.put(ALL_FIVE, () -> allAtOnce(all, cycles));
            results.putAll(interleaved(loads));
            results.put("grants on the coordinator", b.cluster.status(BenchCluster.COORDINATOR).orElseThrow().lock().grants());
        }
        if (vsCurator) {
            results.putAll(curator((Stats) results.get(ONE_FOLLOWER)));
        }
        return results;
    }

    /**
     * Curator's cycles, fsync on and off, each beside Shelf's one-follower figure: the comparison of issue 19 ("ten
     * times Curator"). Curator runs after Shelf's nodes are stopped, so neither competes with the other for the cores.
     */
    private Map<String, Object> curator(Stats shelf) throws Exception {
        CuratorAnchor anchor = new CuratorAnchor(LocalCluster.currentJar());
        Map<String, Object> results = new LinkedHashMap<>();
        for (boolean forceSync : new boolean[] {true, false}) {
            String name = CuratorAnchor.name(forceSync);
            common.progress(name + " ...");
            Stats curator = anchor.run(forceSync, cycles, runs, curatorWarmUpSeconds);
            results.put(name, curator);
            results.put("Shelf one node / " + name, ratio(shelf, curator));
        }
        return results;
    }

    /** Shelf's cycles/s over Curator's, to two decimals. */
    static double ratio(Stats shelf, Stats curator) {
        return Math.round(shelf.perSecond() / curator.perSecond() * 100) / 100.0;
    }

    /**
     * Cycles from all five nodes at once, then from the follower alone, over and over for {@code seconds}: one round
     * of the warm-up (a cold JVM runs cycles several times slower than a warm one).
     *
     * @return cycles per second over the round
     */
    private static double warmUpRound(List<AdminService> all, AdminService follower, int seconds) throws Exception {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long count = 0;
        while (System.nanoTime() < end) {
            count += allAtOnce(all, WARM_UP_CYCLES).count();
            count += timed(follower, WARM_UP_CYCLES).count();
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private interface Run {
        Stats run() throws Exception;
    }

    /**
     * Each load's median of {@link #runs} runs, taken in turns (one run of each, then the next round): this machine's
     * speed drifts within a command, and the contended figure is judged against the follower's, so both see the same
     * minutes.
     */
    private Map<String, Stats> interleaved(Map<String, Run> loads) throws Exception {
        Map<String, List<Stats>> each = new LinkedHashMap<>();
        loads.keySet().forEach(name -> each.put(name, new ArrayList<>()));
        for (int i = 0; i < runs; i++) {
            for (Map.Entry<String, Run> load : loads.entrySet()) {
                Stats s = load.getValue().run();
                each.get(load.getKey()).add(s);
                common.progress(load.getKey() + ": " + s.toString().strip());
            }
        }
        Map<String, Stats> medians = new LinkedHashMap<>();
        each.forEach((name, all) -> medians.put(name, Stats.median(all)));
        return medians;
    }

    /**
     * Calls of at most this many cycles: each is well inside the node's request timeout even when all five contend on a
     * slow machine (1,000 grants a second between the five: 5 s), and the calls between them cost the figures little. A
     * run's time includes the gaps between its calls (the benchmark fetching the latencies, not the lock at work): with
     * 200 cycles a call, 25 gaps in a run of 5,000 cycles, each an RMI call that also wakes this JVM in the middle of the
     * run; with 1,000, five.
     */
    static final int CYCLES_PER_CALL = 1_000;
    private static final int WARM_UP_CYCLES = 200;

    static long[] cycles(AdminService node, int count) throws Exception {
        long[] all = new long[count];
        for (int done = 0; done < count; ) {
            long[] some = node.lockCycles(Math.min(CYCLES_PER_CALL, count - done));
            System.arraycopy(some, 0, all, done, some.length);
            done += some.length;
        }
        return all;
    }

    private static Stats timed(AdminService node, int count) throws Exception {
        long start = System.nanoTime();
        long[] latencies = cycles(node, count);
        return Stats.of(latencies, (System.nanoTime() - start) / 1e9);
    }

    private static Stats allAtOnce(List<AdminService> nodes, int count) {
        long start = System.nanoTime();
        List<CompletableFuture<long[]>> runs = nodes.stream().map(n -> CompletableFuture.supplyAsync(() -> {
            try {
                return cycles(n, count);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).toList();
        List<long[]> each = runs.stream().map(CompletableFuture::join).toList();
        double wall = (System.nanoTime() - start) / 1e9;
        long[] merged = each.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        return Stats.of(merged, wall);
    }
}
