package shelf.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import shelf.api.LibraryService;
import shelf.cluster.ClassArchive;
import shelf.cluster.LocalCluster;
import shelf.config.NodeAddress;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.Outcome;
import shelf.rmi.Credentials;
import shelf.rmi.TimeoutClientSocketFactory;

/**
 * Real node processes for a test, with fast timings, and an RMI client of each node. The test JVM calls as the cluster's
 * operator (the admin key {@link LocalCluster} chooses for it).
 */
final class ClusterFixture implements AutoCloseable {
    /** Fast protocol timings so crash tests finish quickly; the defaults are for humans watching. */
    static final Map<String, String> FAST = new TreeMap<>(Map.of(
            "heartbeat.interval.ms", "100", "failure.timeout.ms", "500", "lease.ms", "1000",
            "rpc.timeout.ms", "300", "request.timeout.ms", "4000"));

    final LocalCluster cluster;

    /** The JVM options of every node unless a test asks for others. */
    static final List<String> NODE_JVM = List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    /** The same, as the one value of {@code --jvm} for the commands that start nodes ({@code cluster}, {@code demo}, …). */
    static final String NODE_JVM_OPTION = String.join(" ", NODE_JVM);

    ClusterFixture(Path dir, int nodes) throws Exception {
        this(dir, nodes, 10, Map.of(), NODE_JVM);
    }

    /**
     * {@code nodes} nodes (not started) of a library of {@code books} books, configured with {@link #FAST} and
     * {@code settings}, each node a JVM run with {@code jvmOptions}.
     */
    ClusterFixture(Path dir, int nodes, int books, Map<String, String> settings, List<String> jvmOptions) throws Exception {
        TimeoutClientSocketFactory.setTimeouts(1_000, 8_000);
        Map<String, String> all = new TreeMap<>(FAST);
        all.put("events", "off"); // events cost the nodes CPU the loaded test machine needs; EventsTimelineIT asks for them
        all.putAll(settings);
        cluster = LocalCluster.create(dir, nodes, books, all, LocalCluster.currentJar(), jvmOptions);
    }

    LibraryService library(int id) throws Exception {
        NodeAddress a = cluster.config().node(id).orElseThrow();
        return (LibraryService) LocateRegistry.getRegistry(a.host(), a.port(), Credentials.sockets()).lookup(LibraryService.NAME);
    }

    Outcome execute(int node, Command c) throws Exception {
        return library(node).execute(c);
    }

    List<HistoryRecord> history(int node) throws Exception {
        return library(node).history(null);
    }

    List<Book> books(int node) throws Exception {
        return library(node).list();
    }

    int awaitAgreement(List<Integer> ids) throws InterruptedException {
        return cluster.awaitAgreement(ids, Duration.ofSeconds(20));
    }

    /** Runs a CLI entry point of the jar in the cluster's folder; returns exit code and output. */
    Run run(String... args) throws Exception {
        Launch launch = Launch.of(args);
        int code = -1;
        try {
            Run r = exec(cluster.dir(), launch.command());
            code = r.code();
            return r;
        } finally {
            launch.settle(code);
        }
    }

    /**
     * A JVM for one of the jar's programs ({@code RmiClient}, {@code RmiNode}, {@code CreateBooks}, or
     * {@code shelf.cli.ShelfCommand} and its command), run as {@code bin/shelf} runs it: on C1, with the program's
     * class-data-sharing archive next to the jar, or recording it when there is none (about 0.3 s less per client run;
     * the process tests make about a hundred). {@link #settle} after the run adopts a recording that ended with 0.
     */
    record Launch(List<String> command, ClassArchive archive, ClassArchive.Recording recording) {
        private static final AtomicInteger RECORDINGS = new AtomicInteger();

        static Launch of(String... mainAndArgs) {
            String main = mainAndArgs[0];
            String program = main.contains(".")
                    ? (mainAndArgs.length > 1 && mainAndArgs[1].matches("[a-z]+") ? mainAndArgs[1] : "shelf") : main;
            Path jar = LocalCluster.currentJar();
            ClassArchive archive = ClassArchive.of(jar, program);
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1"));
            ClassArchive.Recording recording = null;
            if (!ClassArchive.chosenElsewhere(List.of(), System.getenv(ClassArchive.SWITCH))) {
                Optional<String> use = archive.useOption();
                if (use.isPresent()) {
                    command.addAll(List.of(use.get(), ClassArchive.QUIET)); // no CDS warning in what tests read
                } else {
                    recording = archive.record("it-" + ProcessHandle.current().pid() + "-" + RECORDINGS.incrementAndGet());
                    command.addAll(recording.options());
                }
            }
            command.addAll(List.of("-cp", jar.toString()));
            command.addAll(List.of(mainAndArgs));
            return new Launch(command, archive, recording);
        }

        /** After the run, with its exit code (-1 when it did not end): a recording is kept after a clean end, else dropped. */
        void settle(int exitCode) {
            if (recording != null) {
                archive.adopt(recording, exitCode == 0);
            }
        }
    }

    static Run exec(Path dir, List<String> command) throws Exception {
        return exec(dir, command, Duration.ofSeconds(60));
    }

    /** {@link #exec(Path, List)} with its own time limit (a benchmark starts and stops clusters of its own). */
    static Run exec(Path dir, List<String> command, Duration limit) throws Exception {
        return exec(dir, new ProcessBuilder(command), limit);
    }

    /** {@link #exec(Path, List, Duration)} of a process built by the caller (an environment of its own). */
    static Run exec(Path dir, ProcessBuilder builder, Duration limit) throws Exception {
        List<String> command = builder.command();
        Path out = Files.createTempFile("shelf-run", ".out");
        Path err = Files.createTempFile("shelf-run", ".err");
        Process p = builder.directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            String threads = p.pid() > 0 ? jstack(p.pid()) : "";
            p.descendants().forEach(ProcessHandle::destroyForcibly); // node processes a benchmark started
            p.destroyForcibly().waitFor();
            throw new AssertionError("timed out: " + command + "\nstderr:\n" + Files.readString(err) + "\nstdout:\n"
                    + Files.readString(out) + "\nthreads:\n" + threads);
        }
        Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** The thread dump of a process that hangs, for the failure message. */
    private static String jstack(long pid) {
        try {
            Process j = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                    String.valueOf(pid)).redirectErrorStream(true).start();
            String dump = new String(j.getInputStream().readAllBytes());
            j.waitFor(10, TimeUnit.SECONDS);
            return dump;
        } catch (Exception e) {
            return "(no thread dump: " + e + ")";
        }
    }

    record Run(int code, String out, String err) {
    }

    @Override
    public void close() {
        cluster.close();
    }
}
