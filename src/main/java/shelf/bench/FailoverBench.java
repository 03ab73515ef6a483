package shelf.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import shelf.api.AdminService;
import shelf.api.LibraryService;
import shelf.cluster.LocalCluster;
import shelf.config.Timings;
import shelf.library.Op;
import shelf.util.ExitCodes;

/** {@code bench failover}: from the coordinator's crash (kill -9) or pause (SIGSTOP) to the next grant. */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = {"Kills (kill -9) or pauses (SIGSTOP) the coordinator K times and measures the failover.",
                "The time from the signal to the first lock granted by the new coordinator, and how long a client",
                "operation in flight was delayed. Uses the default timings of nodes.properties."})
final class FailoverBench implements Callable<Integer> {
    /** A failover that takes longer than this is a failure, not a figure. */
    private static final long GIVE_UP_SECONDS = 60;
    /** A pause after the cluster agrees again, before the next failover. */
    private static final long SETTLE_MS = 300;
    /** Each failover takes a few seconds: 1,000 of each kind is already hours. */
    private static final int MAX_TIMES = 1_000;

    @Spec
    CommandSpec spec;

    @Mixin
    BenchCommand.Common common;

    @Option(names = "--times", defaultValue = "10", description = "Failovers of each kind (default ${DEFAULT-VALUE}).")
    int times;

    @Override
    public Integer call() throws Exception {
        if (times < 1 || times > MAX_TIMES) {
            throw new ParameterException(spec.commandLine(), "--times must be between 1 and " + MAX_TIMES + ", got " + times);
        }
        Map<String, Object> results = new LinkedHashMap<>();
        try (BenchCluster b = new BenchCluster(BenchCluster.NODES, BenchCluster.BOOKS, Map.of(), common)) {
            results.putAll(measure(b, true));
            results.putAll(measure(b, false));
        }
        Timings t = Timings.DEFAULTS;
        common.report("failover", common.settings("times", times, "nodes", BenchCluster.NODES,
                "heartbeat.interval.ms", t.heartbeatIntervalMs(), "failure.timeout.ms", t.failureTimeoutMs(),
                "rpc.timeout.ms", t.rpcTimeoutMs()), results);
        return ExitCodes.OK;
    }

    private Map<String, Object> measure(BenchCluster b, boolean kill) throws Exception {
        List<Long> grant = new ArrayList<>();
        List<Long> client = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            AdminService probe = b.cluster.admin(1);
            LibraryService clientNode = b.library(2);
            shelf.library.Command op = new shelf.library.Command(UUID.randomUUID().toString(),
                    i % 2 == 0 ? Op.BORROW : Op.RETURN, 1, "bench");
            long start = System.nanoTime();
            if (kill) {
                b.cluster.process(BenchCluster.COORDINATOR).destroyForcibly();
            } else {
                b.cluster.pause(BenchCluster.COORDINATOR);
            }
            // A client's borrow (or return) sent at the signal, retried with the same request id until answered.
            CompletableFuture<Long> inFlight = CompletableFuture.supplyAsync(() -> untilDone(() ->
                    clientNode.execute(op), start));
            grant.add(untilDone(() -> probe.holdLock(0), start));
            client.add(inFlight.join());
            common.progress((kill ? "kill -9" : "SIGSTOP") + " #" + (i + 1) + ": first grant after " + grant.get(i) + " ms");
            if (kill) {
                b.cluster.kill(BenchCluster.COORDINATOR);
                b.cluster.start(BenchCluster.COORDINATOR);
            } else {
                b.cluster.resume(BenchCluster.COORDINATOR);
            }
            b.cluster.awaitAgreement(b.cluster.config().ids(), LocalCluster.AGREEMENT_TIMEOUT);
            Thread.sleep(SETTLE_MS);
        }
        String kind = kill ? "kill -9" : "SIGSTOP";
        Map<String, Object> r = new LinkedHashMap<>();
        r.put(kind + ": to first grant p50 (ms)", median(grant));
        r.put(kind + ": to first grant max (ms)", grant.stream().mapToLong(Long::longValue).max().orElse(0));
        r.put(kind + ": in-flight op delay p50 (ms)", median(client));
        r.put(kind + ": in-flight op delay max (ms)", client.stream().mapToLong(Long::longValue).max().orElse(0));
        return r;
    }

    private interface Attempt {
        Object run() throws Exception;
    }

    /** Retries until the attempt succeeds; returns milliseconds since {@code start}. */
    private static long untilDone(Attempt attempt, long start) {
        while (true) {
            try {
                attempt.run();
                return (System.nanoTime() - start) / 1_000_000;
            } catch (Exception e) {
                if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS)) {
                    throw new IllegalStateException("no grant within " + GIVE_UP_SECONDS + " s", e);
                }
            }
        }
    }

    private static long median(List<Long> values) {
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return v.length == 0 ? 0 : v[v.length / 2];
    }
}
