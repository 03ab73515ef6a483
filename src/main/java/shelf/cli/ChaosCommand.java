package shelf.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import shelf.chaos.ChaosOptions;
import shelf.chaos.ChaosRun;
import shelf.chaos.Check;
import shelf.chaos.FaultKind;
import shelf.chaos.Verdict;
import shelf.cluster.LocalCluster;
import shelf.cluster.NetPartition;
import shelf.library.Json;
import shelf.util.ExitCodes;
import shelf.util.Texts;
import shelf.util.VersionProvider;

/**
 * {@code shelf chaos}: a built-in nemesis and history checker (README, "Chaos"). Starts a cluster in a temporary
 * folder, drives clients against it while breaking it, heals it, and checks the recorded history; exit 0 only when every
 * check passes, 1 naming the checks that failed, 2 for bad options, 3 when the cluster could not even start.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Breaks a cluster of its own, heals it, and checks from the recorded history that nothing was lost.",
                "It starts a cluster in a temporary folder, runs clients that borrow, return and renew with failover, "
                        + "injects faults on a schedule drawn from the seed, heals everything, and checks the recorded history: "
                        + "every acknowledged operation applied exactly once, the nodes agree with the history's replay, no book "
                        + "lent twice, tokens in order, each book's history linearizable; with availability figures per fault.",
                "Exit 0 only when every check passes, 1 when one fails (named)."})
public final class ChaosCommand implements Callable<Integer> {
    private static final int MAX_SECONDS = 86_400;
    private static final int MAX_CLIENTS = 64;
    private static final int MAX_NODES = 9;

    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "60", description = "How long faults are injected (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--clients", defaultValue = "8", description = "Clients at once (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--nodes", defaultValue = "5", description = "Nodes in the cluster (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--faults", split = ",", paramLabel = "KIND[,KIND...]",
            defaultValue = "kill,pause,restart,partition,drop,delay,store",
            description = "Fault kinds to draw from, one at a time (default ${DEFAULT-VALUE}); all: every kind, netpartition"
                    + " too where the machine allows it.")
    List<String> faults;

    @Option(names = "--seed", description = "Seed of the fault schedule (default: drawn at random, and printed).")
    Long seed;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Folder for operations.jsonl, faults.jsonl, history.jsonl, verdict.json (default: chaos-SEED).")
    Path report;

    @Option(names = "--jvm", split = " ", paramLabel = "OPTIONS", defaultValue = LocalCluster.NODE_JVM_OPTIONS,
            description = "JVM options of each node (default: ${DEFAULT-VALUE}).")
    List<String> jvm;

    @Option(names = "--store", paramLabel = "file|postgresql", defaultValue = "file",
            description = "Where the cluster's library is: files (default; the store fault fails one node's writes or "
                    + "fsyncs) or an embedded PostgreSQL (the store fault stops the database for every node).")
    String store;

    @Option(names = "--json", description = "Print the verdict as one JSON document on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ChaosOptions options = options();
        PrintWriter err = spec.commandLine().getErr();
        err.println("chaos: seed " + options.seed() + " (repeat the run with --seed " + options.seed() + "); "
                + options.nodes() + " nodes, " + options.clients() + " clients, "
                + (options.postgresql() ? "library in PostgreSQL, " : "") + "faults "
                + options.faults().stream().map(FaultKind::label).collect(Collectors.joining(","))
                + " for " + options.seconds() + " s; report in " + options.report());
        Verdict verdict;
        try (ChaosRun run = startCluster(options)) {
            verdict = run.run(err, System.console() != null);
            timeline(run.logs(), options.report(), err);
        }
        print(verdict, options.report());
        return verdict.ok() ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    private ChaosRun startCluster(ChaosOptions options) throws Exception {
        try {
            return ChaosRun.start(options);
        } catch (IllegalStateException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "the cluster did not start: " + e.getMessage());
        }
    }

    private ChaosOptions options() {
        require(seconds >= 1 && seconds <= MAX_SECONDS, "--seconds must be between 1 and " + MAX_SECONDS + ", got " + seconds);
        require(clients >= 1 && clients <= MAX_CLIENTS, "--clients must be between 1 and " + MAX_CLIENTS + ", got " + clients);
        require(nodes >= 2 && nodes <= MAX_NODES, "--nodes must be between 2 and " + MAX_NODES + ", got " + nodes);
        List<FaultKind> kinds = kinds();
        if (kinds.contains(FaultKind.NETPARTITION)) {
            require(nodes <= 5, "--faults netpartition takes at most 5 nodes (127.0.0.11-15), got " + nodes);
            Optional<String> why = NetPartition.unavailable();
            if (why.isPresent()) {
                kinds.remove(FaultKind.NETPARTITION);
                spec.commandLine().getErr().println("chaos: netpartition skipped: " + why.get());
                require(!kinds.isEmpty(), "--faults: no fault kind this machine can inject");
            }
        }
        long chosen = seed != null ? seed : new SecureRandom().nextLong() & Long.MAX_VALUE;
        Path folder = report != null ? report : Path.of("chaos-" + chosen);
        require(store.equals("file") || store.equals("postgresql"), "--store must be file or postgresql, got '"
                + Texts.clip(store) + "'");
        return new ChaosOptions(seconds, clients, nodes, kinds, chosen, folder.toAbsolutePath(), jvm,
                store.equals("postgresql"));
    }

    /** The kinds {@code --faults} names, each once; {@code all} names every kind. */
    private List<FaultKind> kinds() {
        List<FaultKind> kinds = new ArrayList<>();
        for (String name : faults) {
            try {
                List<FaultKind> named = name.strip().equalsIgnoreCase("all") ? List.of(FaultKind.values())
                        : List.of(FaultKind.parse(name));
                named.stream().filter(k -> !kinds.contains(k)).forEach(kinds::add);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--faults: " + e.getMessage());
            }
        }
        return kinds;
    }

    private void require(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /**
     * The run's elections as a Lamport diagram, {@code timeline.html} in the report folder, with the nodes' starts, stops
     * and crashes: how the cluster healed after each fault. Its lock and library traffic is left out: a minute of eight
     * clients is some 90,000 events, a 30 MB page no browser opens quickly (a failed run keeps the logs to draw it from).
     * Its own {@code timeline} command line: the jar builds the model of the command it was asked for alone, so
     * {@code chaos}'s root has no {@code timeline}.
     */
    private static void timeline(Path logs, Path reportDir, PrintWriter err) {
        CommandLine timeline = Cli.configure(new CommandLine(new TimelineCommand()));
        timeline.setOut(err); // where it was written goes with the progress, never into stdout's verdict (--json)
        timeline.setErr(err);
        int code = timeline.execute("--logs", logs.toString(), "--only", "election", "-o",
                reportDir.resolve("timeline.html").toString());
        if (code != ExitCodes.OK) {
            err.println("chaos: the timeline of the run could not be written (exit " + code + ")");
        }
    }

    private void print(Verdict verdict, Path reportDir) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("ok", verdict.ok());
            doc.put("seed", verdict.seed());
            doc.put("checks", verdict.checks());
            doc.put("availability", verdict.availability());
            doc.put("report", reportDir.toString());
            out.println(Json.MAPPER.writeValueAsString(doc));
            return;
        }
        printText(verdict, reportDir, out);
    }

    /** The verdict for people: a line per check, then a line per fault kind, its label as wide as the widest. */
    static void printText(Verdict verdict, Path reportDir, PrintWriter out) {
        out.println("chaos verdict: " + (verdict.ok() ? "PASS" : "FAIL (" + String.join(", ", verdict.failedChecks()) + ")")
                + ", seed " + verdict.seed());
        for (Check c : verdict.checks().values()) {
            out.printf(Locale.US, "  %-4s %-18s %s%n", c.ok() ? "ok" : "FAIL", c.name(), c.summary());
        }
        out.println("  availability (answered share; longest without a coordinator / without a grant):");
        int width = verdict.availability().keySet().stream().mapToInt(String::length).max().orElse(1);
        verdict.availability().forEach((kind, f) -> out.printf(Locale.US,
                "    %-" + width + "s %6d operations, %5.1f%% answered (%d ok,"
                + " %d refused, %d unknown); %d ms / %d ms%n", kind, f.operations(), 100 * f.answeredShare(), f.ok(),
                f.refused(), f.unknown(), f.noCoordinatorMs(), f.noGrantMs()));
        out.println("  report: " + reportDir);
    }
}
