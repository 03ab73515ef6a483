package shelf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import shelf.cluster.ClassArchive;
import shelf.cluster.LocalCluster;
import shelf.util.ExitCodes;

/**
 * {@code bench startup}: how long a user waits for a cold JVM. The {@code cluster} command, from its start until it prints
 * that the nodes agree on a coordinator, and a one-shot client ({@code RmiClient -u alice -n 1 list}) against that
 * cluster, each started as a user starts it: {@code java ...} as written (no class-data-sharing archive, nor for the
 * nodes: {@code SHELF_CDS=off}), and through the launcher {@code bin/shelf} (archives; skipped when the jar has no
 * {@code ../bin/shelf} beside it; there also the client served by the folder's client agent, warm). Each variant has one
 * run first that is not counted (it records the archives). The
 * client is timed {@code --settle} seconds after the nodes agree: against a cluster that is up, as a user runs it, not
 * while five JVMs compile their start on the same two cores.
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
        description = {"Wall time of the cluster command until its nodes agree, and of a one-shot client.",
                "Each is started with plain java and through bin/shelf (class-data-sharing archives); the client also",
                "through bin/shelf's client agent (a warm client JVM of the folder)."})
final class StartupBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BenchCommand.Common common;

    @Mixin
    BenchCommand.TlsOption tls;

    @Option(names = "--runs", defaultValue = "3", description = "Counted runs of each (default ${DEFAULT-VALUE}).")
    int runs;

    /** The default of --settle. */
    static final int DEFAULT_SETTLE_SECONDS = 10;

    @Option(names = "--settle", defaultValue = "" + DEFAULT_SETTLE_SECONDS, paramLabel = "SECONDS",
            description = "Seconds the cluster runs after agreeing before the one-shot client is timed (default"
                    + " ${DEFAULT-VALUE}): the client of a cluster that is up, not one competing with five JVMs still"
                    + " compiling their start on the same cores (0: at once).")
    int settleSeconds;

    private static final String AGREED = "agree on coordinator";
    /** The two ways a user starts a program, as the results name them. */
    static final String PLAIN = "java -jar / java -cp (no archives)";
    static final String LAUNCHER = "bin/shelf (archives)";
    /** The one-shot client through bin/shelf when the folder's client agent serves it (no JVM started). */
    static final String AGENT = "bin/shelf, the folder's client agent warm";
    private static final long CLUSTER_TIMEOUT_SECONDS = 120;
    private static final long AGENT_START_SECONDS = 60;

    /** Min, median and max of a few wall times, in milliseconds. */
    record Spread(long min, long median, long max) {
        static Spread of(List<Long> ms) {
            List<Long> sorted = ms.stream().sorted().toList();
            return new Spread(sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
        }

        @Override
        public String toString() {
            return String.format(Locale.US, "%,d / %,d / %,d ms (min / median / max)", min, median, max);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || settleSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--runs must be at least 1, --settle at least 0");
        }
        Map<String, Object> results = measure();
        common.report("startup", common.settings("runs", runs, "tls", tls.tls, "client", "RmiClient -u alice -n 1 list",
                "client after (s)", settleSeconds), results);
        return ExitCodes.OK;
    }

    /** The figures {@link #call} reports (and {@code bench summary} takes two of): each variant's two spreads. */
    Map<String, Object> measure() throws Exception {
        Path jar = LocalCluster.currentJar();
        Path launcher = jar.toAbsolutePath().getParent().resolveSibling("bin").resolve("shelf");
        Path dir = Files.createTempDirectory("shelf-startup");
        Map<String, Object> results = new LinkedHashMap<>();
        try {
            LocalCluster.create(dir, BenchCluster.NODES, BenchCluster.BOOKS, tls.settings(), jar, common.jvm).close();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            measure(results, PLAIN, dir, List.of(java, "-jar", jar.toString()),
                    List.of(java, "-cp", jar.toString(), "RmiClient"), "off", false);
            if (Files.isExecutable(launcher)) {
                measure(results, LAUNCHER, dir, List.of(launcher.toString()),
                        List.of(launcher.toString(), "RmiClient"), "on", true);
            }
        } finally {
            BenchCluster.delete(dir);
        }
        return results;
    }

    /** The result's name for the cluster's start of {@code variant}. */
    static String clusterKey(String variant) {
        return "cluster start to agreement (ms), " + variant;
    }

    /** The result's name for the one-shot client of {@code variant}. */
    static String clientKey(String variant) {
        return "one-shot client list (ms), " + variant;
    }

    /**
     * {@code runs} (and one first, not counted) of: the cluster started until its nodes agree, then, once it settled,
     * the one-shot client in a JVM of its own, and with {@code agent} also through the folder's client agent.
     */
    private void measure(Map<String, Object> results, String variant, Path dir, List<String> shelf, List<String> client,
                         String archives, boolean agent) throws IOException, InterruptedException {
        List<Long> starts = new ArrayList<>();
        List<Long> clients = new ArrayList<>();
        List<Long> agents = new ArrayList<>();
        for (int run = 0; run <= runs; run++) {
            long started = System.nanoTime();
            Process cluster = start(dir, concat(shelf, "cluster", "--no-color"), archives, false);
            try {
                awaitAgreement(cluster);
                long ms = (System.nanoTime() - started) / 1_000_000;
                common.progress(variant + ": cluster agreed after " + ms + " ms");
                Thread.sleep(TimeUnit.SECONDS.toMillis(settleSeconds));
                List<String> list = concat(client, "-u", "alice", "-n", "1", "list");
                long clientMs = oneShot(dir, list, archives, false);
                common.progress(variant + ": client list took " + clientMs + " ms");
                long agentMs = agent ? viaAgent(dir, list, archives) : 0;
                if (agent) {
                    common.progress(AGENT + ": client list took " + agentMs + " ms");
                }
                if (run > 0) { // the first run of each variant records the archives: not counted
                    starts.add(ms);
                    clients.add(clientMs);
                    agents.add(agentMs);
                }
            } finally {
                cluster.destroy(); // SIGTERM: the cluster stops its nodes (and keeps their archive)
                cluster.waitFor(CLUSTER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        }
        results.put(clusterKey(variant), Spread.of(starts));
        results.put(clientKey(variant), Spread.of(clients));
        if (agent) {
            results.put(clientKey(AGENT), Spread.of(agents));
        }
    }

    /**
     * The one-shot client served by the folder's client agent: one run in a JVM of its own starts the agent (not
     * timed); once the agent's file says it serves (it has warmed up), the next run is timed; then the agent is stopped
     * (its file removed), so that each run of the cluster has an agent of its own.
     */
    private static long viaAgent(Path dir, List<String> command, String archives) throws IOException, InterruptedException {
        oneShot(dir, command, archives, true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AGENT_START_SECONDS);
        Path file;
        while ((file = agentFile(dir)) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no client agent served after " + AGENT_START_SECONDS
                        + " s (see logs/client-agent.log in the cluster's folder)");
            }
            Thread.sleep(50);
        }
        try {
            return oneShot(dir, command, archives, true);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    /** The client agent's file in the cluster's folder ({@code resources/client-agent.HOST}), or null while none. */
    private static Path agentFile(Path dir) throws IOException {
        try (var files = Files.list(dir.resolve("resources"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("client-agent.")
                    && !f.getFileName().toString().endsWith(".lock")).findFirst().orElse(null);
        }
    }

    private static Process start(Path dir, List<String> command, String archives, boolean agent) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        b.environment().put(ClassArchive.SWITCH, archives);
        b.environment().put("SHELF_AGENT", agent ? "on" : "off");
        b.environment().put("SHELF_JAR", LocalCluster.currentJar().toString()); // the launcher's jar: this one
        return b.start();
    }

    /** Reads the cluster's output until it says the nodes agree (the rest of its output is drained and dropped). */
    private static void awaitAgreement(Process cluster) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(cluster.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("Warning: ")) { // the cluster's own wait for agreement ran out
                throw new IllegalStateException("the cluster command said: " + line);
            }
            if (line.contains(AGREED)) {
                Thread drain = new Thread(() -> drain(out), "startup-drain");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IllegalStateException("the cluster command ended before its nodes agreed (exit " + exit(cluster) + ")");
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // the logs the cluster follows
            }
        } catch (IOException e) {
            // the cluster ended
        }
    }

    private static String exit(Process p) {
        try {
            return String.valueOf(p.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** A client run to its end: its wall time in ms; it must exit 0. */
    private static long oneShot(Path dir, List<String> command, String archives, boolean agent)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        Process p = start(dir, command, archives, agent);
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        int code = p.waitFor();
        long ms = (System.nanoTime() - started) / 1_000_000;
        if (code != 0) {
            throw new IllegalStateException("the client exited " + code + ": " + String.join(" ", command));
        }
        return ms;
    }
}
