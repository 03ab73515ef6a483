package shelf.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import shelf.util.ExitCodes;

/**
 * {@code bench summary}: the figures issue 19 ("ten times Curator") is judged by, from one command and one machine, each
 * the median of {@code --runs} runs, beside its target: a follower's lock cycles and Curator's ({@code bench lock
 * --vs-curator}), the contended grants, and the start-up of a one-shot client and of the cluster ({@code bench startup}).
 * Start-up is measured first, on the idle machine it asks for; the lock after it.
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = {"Issue 19's figures from one command, each beside its target and whether it is met.",
                "Runs bench startup, then bench lock --vs-curator, each --runs times, and reports the medians."})
final class SummaryBench implements Callable<Integer> {
    /** Issue 19's targets. */
    static final double CURATOR_RATIO = 10;
    static final long CLIENT_MS = 400;
    static final long CLUSTER_MS = 3_000;

    @Spec
    CommandSpec spec;

    @Mixin
    BenchCommand.Common common;

    @Mixin
    BenchCommand.TlsOption tls;

    @Option(names = "--runs", defaultValue = "3",
            description = "Runs of each figure; the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warm-up", defaultValue = "120", paramLabel = "SECONDS",
            description = "At most this many seconds of lock cycles before the lock is measured (default ${DEFAULT-VALUE}).")
    int warmUpSeconds;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || warmUpSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--runs must be at least 1, --warm-up at least 0");
        }
        StartupBench startup = new StartupBench();
        startup.common = common;
        startup.tls = tls;
        startup.runs = runs;
        startup.settleSeconds = StartupBench.DEFAULT_SETTLE_SECONDS;
        common.progress("start-up: the cluster command and a one-shot client, " + runs + " runs each way ...");
        Map<String, Object> started = startup.measure();

        LockBench lock = new LockBench();
        lock.common = common;
        lock.tls = tls;
        lock.runs = runs;
        lock.cycles = LockBench.DEFAULT_CYCLES;
        lock.warmUpSeconds = warmUpSeconds;
        lock.vsCurator = true;
        lock.curatorWarmUpSeconds = LockBench.DEFAULT_CURATOR_WARM_UP_SECONDS;
        common.progress("lock: Shelf, then Curator as shipped and with forceSync=no ...");
        Map<String, Object> locked = lock.measure();

        common.report("summary", common.settings("runs", runs, "tls", tls.tls, "lock warm-up at most (s)", warmUpSeconds,
                "client after (s)", startup.settleSeconds),
                summary(started, locked));
        return ExitCodes.OK;
    }

    /** The figures, each with its target and the verdict, in the order of the "Done when". */
    static Map<String, Object> summary(Map<String, Object> started, Map<String, Object> locked) {
        Stats follower = (Stats) locked.get(LockBench.ONE_FOLLOWER);
        Stats contended = (Stats) locked.get(LockBench.ALL_FIVE);
        Stats shipped = (Stats) locked.get(CuratorAnchor.name(true));
        Stats inMemory = (Stats) locked.get(CuratorAnchor.name(false));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("Shelf lock cycles/s, one follower", follower);
        s.put("Curator, ZooKeeper as shipped (fsync)", shipped);
        double toShipped = LockBench.ratio(follower, shipped);
        double toInMemory = LockBench.ratio(follower, inMemory);
        s.put("ratio to Curator as shipped", verdict(toShipped, toShipped >= CURATOR_RATIO, "target >= " + (int) CURATOR_RATIO));
        s.put("Curator, forceSync=no (like for like)", inMemory);
        s.put("ratio to Curator forceSync=no", verdict(toInMemory, toInMemory >= CURATOR_RATIO,
                "target >= " + (int) CURATOR_RATIO));
        ceiling(s, "the floor, an empty RMI call", locked.get(LockBench.RMI_FLOOR), inMemory);
        ceiling(s, "under it, a round trip without RMI", locked.get(LockBench.ECHO_FLOOR), inMemory);
        s.put("contended grants/s, all five at once", contended);
        s.put("contended against one follower", verdict(Math.round(contended.perSecond()) + "/s vs "
                + Math.round(follower.perSecond()) + "/s", contended.perSecond() >= follower.perSecond(),
                "target >= one follower"));
        if (started.get(StartupBench.clientKey(StartupBench.AGENT)) instanceof StartupBench.Spread agent) {
            s.put("one-shot client list (ms), " + StartupBench.AGENT, verdict(agent, agent.median() <= CLIENT_MS,
                    "target median <= " + CLIENT_MS));
        }
        for (String variant : new String[] {StartupBench.LAUNCHER, StartupBench.PLAIN}) {
            StartupBench.Spread client = (StartupBench.Spread) started.get(StartupBench.clientKey(variant));
            StartupBench.Spread cluster = (StartupBench.Spread) started.get(StartupBench.clusterKey(variant));
            if (client != null) {
                s.put("one-shot client list (ms), " + variant, verdict(client, client.median() <= CLIENT_MS,
                        "target median <= " + CLIENT_MS));
                s.put("cluster start to agreement (ms), " + variant, verdict(cluster, cluster.median() <= CLUSTER_MS,
                        "target median <= " + CLUSTER_MS));
            }
        }
        return s;
    }

    /**
     * A floor's round trips per second beside Curator's like-for-like figure, if the floor was measured: what a lock
     * cycle of one round trip would reach if the protocol cost nothing.
     */
    private static void ceiling(Map<String, Object> s, String name, Object floor, Stats curator) {
        if (floor instanceof Stats f) {
            s.put(name, Math.round(f.perSecond()) + "/s (" + LockBench.ratio(f, curator)
                    + "x Curator forceSync=no: the most one round trip per cycle allows)");
        }
    }

    private static String verdict(Object figure, boolean met, String target) {
        return figure + " (" + target + ": " + (met ? "met" : "not met") + ")";
    }
}
