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
            follower.lockCycles(Math.min(cycles, 2000));
            coordinator.lockCycles(Math.min(cycles, 2000));
            results.put("one node (follower 1)", median(() -> timed(follower)));
            results.put("the coordinator itself (node 5)", median(() -> timed(coordinator)));
            List<AdminService> all = new ArrayList<>();
            for (int id = 1; id <= 5; id++) {
                all.add(b.cluster.admin(id));
            }
            results.put("all five nodes at once", median(() -> allAtOnce(all)));
            results.put("grants on the coordinator", b.cluster.status(5).orElseThrow().lock().grants());
        }
        common.report("lock", common.settings("cycles per node", cycles, "runs", runs, "nodes", 5), results);
        return 0;
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

    private Stats timed(AdminService node) throws Exception {
        long start = System.nanoTime();
        long[] latencies = node.lockCycles(cycles);
        return Stats.of(latencies, (System.nanoTime() - start) / 1e9);
    }

    private Stats allAtOnce(List<AdminService> nodes) {
        long start = System.nanoTime();
        List<CompletableFuture<long[]>> runs = nodes.stream().map(n -> CompletableFuture.supplyAsync(() -> {
            try {
                return n.lockCycles(cycles);
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
