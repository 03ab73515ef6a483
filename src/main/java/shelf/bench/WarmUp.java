package shelf.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import shelf.rmi.JvmCounters;

/**
 * Runs a benchmark's load in rounds until the JVMs are warm: a round in which no JVM — each node and this one —
 * spent over {@value #QUIET_PERCENT} % of the round's wall time compiling, or until the time allowed is up.
 * On two cores five nodes' C2 compilers take about two minutes of load to compile the write path (BENCHMARKS.md);
 * figures taken earlier measure the compilers, not Shelf.
 */
final class WarmUp {
    static final int QUIET_PERCENT = 2;

    /** One round of load; returns its throughput per second, for the report. */
    interface Round {
        double run(int seconds) throws Exception;
    }

    private WarmUp() {
    }

    /**
     * @param roundSeconds wall time of one round (the last round is shorter if the time allowed runs out)
     * @param maxSeconds   at most this many seconds in all; 0 for no warm-up
     * @return what a report shows: the seconds taken, whether the compilers were quiet, each round's rate
     */
    static Map<String, Object> run(BenchCluster b, BenchCommand.Common common, int roundSeconds, int maxSeconds, Round round)
            throws Exception {
        List<Long> perSecond = new ArrayList<>();
        long started = System.nanoTime();
        boolean quiet = maxSeconds == 0;
        long elapsed;
        while (!quiet && (elapsed = (System.nanoTime() - started) / 1_000_000_000L) < maxSeconds) {
            int seconds = (int) Math.min(roundSeconds, maxSeconds - elapsed);
            long[] before = compileMillis(b);
            long roundStart = System.nanoTime();
            double rate = round.run(seconds);
            long wallMillis = (System.nanoTime() - roundStart) / 1_000_000;
            long[] after = compileMillis(b);
            long busiest = 0;
            for (int i = 0; i < after.length; i++) {
                busiest = Math.max(busiest, after[i] - before[i]);
            }
            quiet = busiest * 100 <= QUIET_PERCENT * wallMillis;
            perSecond.add(Math.round(rate));
            common.progress(String.format(Locale.US,
                    "warm-up round %d: %,.0f/s, busiest JIT compiler %d ms of %d", perSecond.size(),
                    rate, busiest, wallMillis));
        }
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
        w.put("JIT quiet at the end", quiet);
        w.put("per second, each round", perSecond);
        return w;
    }

    /** JIT milliseconds so far: each node's, then this JVM's. */
    private static long[] compileMillis(BenchCluster b) {
        List<Integer> ids = b.cluster.config().ids();
        long[] ms = new long[ids.size() + 1];
        for (int i = 0; i < ids.size(); i++) {
            ms[i] = NodeCounters.of(b, ids.get(i)).get("jvm.jit.compile-ms");
        }
        ms[ids.size()] = JvmCounters.compileMillis();
        return ms;
    }
}
