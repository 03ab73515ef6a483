package shelf.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import shelf.api.NodeStatus;
import shelf.config.ClusterConfig;
import shelf.election.EpochStore;
import shelf.library.Outcome;
import shelf.lock.LockPhase;
import shelf.node.LibraryWriter;
import shelf.node.NodeCore;
import shelf.node.SerialScheduler;
import shelf.protocol.Message;
import shelf.protocol.Transport;
import shelf.util.ExitCodes;

/**
 * {@code bench election}: time to agree and messages sent after the coordinator dies, with the lowest id
 * electing (Bully's worst case) and the second highest (its best case): in memory (each node a real protocol
 * scheduler and a receiving thread, messages handed between threads) and with real node processes over RMI.
 */
@Command(name = "election", mixinStandardHelpOptions = true,
        description = {"Time to agree and messages sent after the coordinator dies.",
                "With the lowest id starting the election (Bully's worst case) and the second highest (best case);",
                "in memory and over real RMI."})
final class ElectionBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BenchCommand.Common common;

    @Option(names = "--sizes", split = ",", defaultValue = "5,10,20,50",
            description = "Cluster sizes in memory (default ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--rmi-sizes", split = ",", defaultValue = "5,10",
            description = "Cluster sizes as real processes (default ${DEFAULT-VALUE}).")
    List<Integer> rmiSizes;

    /** In memory each node is two threads; beyond this the figures measure the machine, not Bully. */
    private static final int MAX_IN_MEMORY = 1_000;
    /** Each node a JVM of its own. */
    private static final int MAX_PROCESSES = 50;

    @Override
    public Integer call() throws Exception {
        requireSizes("--sizes", sizes, MAX_IN_MEMORY);
        requireSizes("--rmi-sizes", rmiSizes, MAX_PROCESSES);
        Map<String, Object> results = new LinkedHashMap<>();
        for (int n : sizes) {
            results.put("in memory, " + n + " nodes, lowest starts", inMemory(n, 1));
            results.put("in memory, " + n + " nodes, second highest starts", inMemory(n, n - 1));
            common.progress("in memory, " + n + " nodes done");
        }
        for (int n : rmiSizes) {
            results.put("RMI processes, " + n + " nodes, lowest starts", overRmi(n, 1));
            results.put("RMI processes, " + n + " nodes, second highest starts", overRmi(n, n - 1));
            common.progress("RMI, " + n + " nodes done");
        }
        common.report("election", common.settings("in-memory sizes", sizes, "RMI sizes", rmiSizes,
                "failure.timeout.ms", "60000 (so only the starter elects; heartbeats still detect the crash)"), results);
        return ExitCodes.OK;
    }

    /** A cluster needs a coordinator to crash and a node to elect the next: at least 2 nodes, each size once. */
    private void requireSizes(String option, List<Integer> values, int max) {
        if (values.stream().anyMatch(n -> n < 2 || n > max)) {
            throw new ParameterException(spec.commandLine(), option + ": each cluster size must be between 2 and " + max
                    + " (a coordinator to crash and a node to elect the next), got " + values);
        }
        if (new LinkedHashSet<>(values).size() != values.size()) {
            throw new ParameterException(spec.commandLine(), option + ": " + values + " names a size twice");
        }
    }

    /** One run's outcome: milliseconds from the trigger to agreement, and election messages sent. */
    record Result(long millis, long messages) {
        @Override
        public String toString() {
            return millis + " ms, " + messages + " messages (ELECTION, OK, COORDINATOR)";
        }
    }

    private static ClusterConfig config(int n) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int id = 1; id <= n; id++) {
            lines.add("node." + id + "=127.0.0.1:" + (30000 + id));
        }
        lines.add("failure.timeout.ms=60000");
        lines.add("lease.ms=60000");
        return ClusterConfig.parse(lines, "bench");
    }

    private static Result inMemory(int n, int starter) throws Exception {
        ClusterConfig config = config(n);
        Map<Integer, NodeCore> cores = new HashMap<>();
        List<SerialScheduler> threads = new ArrayList<>();
        // Each node's receiving thread, as its RMI threads are: a message is never handled on its sender's thread.
        Map<Integer, ExecutorService> receivers = new HashMap<>();
        LibraryWriter noWrites = (token, batch, listener) -> {
            listener.appended(new LibraryWriter.Result.Applied(List.<Outcome>of()));
            listener.durable();
        };
        for (int id = 1; id <= n; id++) {
            int self = id;
            SerialScheduler scheduler = new SerialScheduler(id);
            threads.add(scheduler);
            receivers.put(id, Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "node-" + self + "-receiver");
                t.setDaemon(true);
                return t;
            }));
            Transport transport = new Transport() {
                @Override
                public void send(int to, Message m) {
                    NodeCore target = cores.get(to);
                    if (target == null) {
                        cores.get(self).unreachable(to, m);
                    } else {
                        receivers.get(to).execute(() -> target.deliver(m));
                    }
                }
            };
            cores.put(id, new NodeCore(id, config, scheduler, transport, new EpochStore.InMemory(), noWrites, id * 1_000_000L));
        }
        try {
            cores.values().forEach(NodeCore::start);
            awaitInMemory(cores, n);
            NodeCore dead = cores.remove(n);
            dead.stop();
            long before = electionMessages(cores);
            long start = System.nanoTime();
            cores.get(starter).startElection("benchmark");
            awaitInMemory(cores, n - 1);
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new Result(millis, electionMessages(cores) - before);
        } finally {
            threads.forEach(SerialScheduler::close);
            receivers.values().forEach(ExecutorService::shutdownNow);
        }
    }

    private static void awaitInMemory(Map<Integer, NodeCore> cores, int leader) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            boolean agreed = true;
            for (NodeCore c : cores.values()) {
                NodeStatus s = c.status().get(5, TimeUnit.SECONDS);
                agreed &= s.coordinator() == leader && (s.id() != leader || s.lock().phase() == LockPhase.SERVING);
            }
            if (agreed) {
                return;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no agreement on node " + leader + " within 30 s");
    }

    private static long electionMessages(Map<Integer, NodeCore> cores) throws Exception {
        long sum = 0;
        for (NodeCore c : cores.values()) {
            Map<String, Long> counters = c.status().get(5, TimeUnit.SECONDS).counters();
            sum += counters.getOrDefault("sent.ELECTION", 0L) + counters.getOrDefault("sent.OK", 0L)
                    + counters.getOrDefault("sent.COORDINATOR", 0L);
        }
        return sum;
    }

    private Result overRmi(int n, int starter) throws Exception {
        Map<String, String> slow = Map.of("failure.timeout.ms", "60000", "lease.ms", "60000");
        BenchCommand.Common small = common;
        try (BenchCluster b = new BenchCluster(n, 10, slow, small)) {
            List<Integer> live = new ArrayList<>(b.cluster.config().ids());
            live.remove(Integer.valueOf(n));
            long before = rmiMessages(b, live);
            long start = System.nanoTime();
            b.cluster.process(n).destroyForcibly();
            b.cluster.admin(starter).startElection();
            int leader = b.cluster.awaitAgreement(live, Duration.ofSeconds(60));
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (leader != n - 1) {
                throw new IllegalStateException("expected node " + (n - 1) + " to lead, not " + leader);
            }
            return new Result(millis, rmiMessages(b, live) - before);
        }
    }

    private static long rmiMessages(BenchCluster b, List<Integer> ids) {
        long sum = 0;
        for (int id : ids) {
            Map<String, Long> counters = b.cluster.status(id).orElseThrow().counters();
            sum += counters.getOrDefault("sent.ELECTION", 0L) + counters.getOrDefault("sent.OK", 0L)
                    + counters.getOrDefault("sent.COORDINATOR", 0L);
        }
        return sum;
    }
}
