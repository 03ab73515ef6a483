package shelf.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shelf.rmi.AdminService;

/** {@code bench lock}: acquire/release cycles of the cluster mutex over real RMI. */
@Command(name = "lock", mixinStandardHelpOptions = true,
        description = {"Acquire/release cycles of the cluster lock through the coordinator over real RMI:",
                "from one node (a follower), from the coordinator itself, and from all five nodes at once."})
final class LockBench implements Callable<Integer> {
    @Mixin
    BenchCommand.Common common;

    @Option(names = "--cycles", defaultValue = "5000", description = "Cycles per node per run (default ${DEFAULT-VALUE}).")
    int cycles;

    @Option(names = "--runs", defaultValue = "3", description = "Runs; the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        try (BenchCluster b = new BenchCluster(5, 10, Map.of(), common)) {
            AdminService follower = b.cluster.admin(1);
            AdminService coordinator = b.cluster.admin(5);
            List<AdminService> all = new ArrayList<>();
            for (int id = 1; id <= 5; id++) {
                all.add(b.cluster.admin(id));
            }
            warmUp(all, follower);
            results.put("one node (follower 1)", median(() -> timed(follower, cycles)));
            results.put("the coordinator itself (node 5)", median(() -> timed(coordinator, cycles)));
            results.put("all five nodes at once", median(() -> allAtOnce(all, cycles)));
            results.put("grants on the coordinator", b.cluster.status(5).orElseThrow().lock().grants());
        }
        common.report("lock", common.settings("cycles per node", cycles, "runs", runs, "nodes", 5), results);
        return 0;
    }

    /**
     * Until the JIT has compiled the paths a cycle takes in every node (a cold JVM runs cycles several
     * times slower): {@value #WARM_UP_CYCLES} cycles from every node at once, then from the follower alone.
     */
    private void warmUp(List<AdminService> all, AdminService follower) throws Exception {
        int count = Math.min(cycles, WARM_UP_CYCLES);
        allAtOnce(all, count);
        timed(follower, count);
        common.progress("warmed up: " + count + " cycles from all five nodes, then from node 1");
    }

    private interface Run {
        Stats run() throws Exception;
    }

    private Stats median(Run run) throws Exception {
        List<Stats> all = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            all.add(run.run());
            common.progress(all.get(i).toString());
        }
        return Stats.median(all);
    }

    /** Calls of at most this many cycles, each well inside the node's request timeout even when all five contend. */
    private static final int CYCLES_PER_CALL = 200;
    private static final int WARM_UP_CYCLES = 10_000;

    private static long[] cycles(AdminService node, int count) throws Exception {
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
