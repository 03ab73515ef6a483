package shelf.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import shelf.admin.Admin;
import shelf.api.AdminService;
import shelf.api.NodeStatus;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.library.LibraryFiles;
import shelf.library.SampleCatalog;
import shelf.lock.LockPhase;
import shelf.rmi.Credentials;
import shelf.store.Stores;
import shelf.tls.Role;
import shelf.tls.TlsFiles;
import shelf.util.ShelfJar;

/**
 * A cluster of real node processes on this machine, one JVM per node, all started from Shelf's jar in
 * one working folder (its {@code nodes.properties}, {@code resources/} and {@code logs/}).
 *
 * <p>Used by the {@code cluster}, {@code demo} and {@code bench} commands and by the process tests.
 * Can crash ({@code kill -9}), pause ({@code SIGSTOP}) and resume ({@code SIGCONT}) nodes. Not thread-safe.
 */
public final class LocalCluster implements AutoCloseable {
    /** JVM options of each node unless told otherwise ({@code --jvm} of cluster and bench; demo): one default everywhere. */
    public static final String NODE_JVM_OPTIONS = "-Xmx64m -XX:+UseSerialGC";
    /** Ample for nodes that all answer to elect a coordinator, even on a busy two-core machine. */
    public static final Duration AGREEMENT_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Added to the agreement timeout while some node does not answer yet: a cold node JVM on a loaded two-core machine
     * took 26–34 s to listen (its TLS set-up alone 7–11 s), and agreement cannot start before every node answers.
     */
    private static final Duration START_ALLOWANCE = Duration.ofSeconds(60);
    /** How long {@link #awaitAgreement(List, Duration, LogAgreement)} takes only the logs' word before asking. */
    private static final Duration LOGS_FIRST = Duration.ofSeconds(10);
    private static final long AGREEMENT_POLL_MS = 50;
    /** How long a node gets to exit after SIGTERM or SIGKILL, */
    private static final long EXIT_WAIT_SECONDS = 10;
    /** and after SIGKILL when SIGTERM was not enough. */
    private static final long FORCED_EXIT_WAIT_SECONDS = 5;
    /** How long the {@code kill} command gets to deliver a signal. */
    private static final long SIGNAL_WAIT_SECONDS = 5;
    /** A JVM's exit code after SIGTERM (128 + 15). */
    private static final int SIGTERM_EXIT = 143;
    /** {@link #freePorts} draws from the {@code PORT_SPREAD} ports below the ephemeral range, none below MIN_PORT. */
    private static final int PORT_SPREAD = 12_000;
    private static final int MIN_PORT = 1024;
    private static final int MAX_PORT = 65_535;
    private static final int PORT_TRIES = 20;
    private static final int DEFAULT_EPHEMERAL_FROM = 32_768;
    /** How much of a node's output {@link #lastLine} reads back. */
    private static final int LAST_LINE_BYTES = 4096;
    /** What a JVM prints last when it cannot start, after the line that says why (an unknown option, say). */
    private static final List<String> JVM_GAVE_UP = List.of("Error: A fatal exception has occurred.",
            "Error: Could not create the Java Virtual Machine.");

    private final Path dir;
    private final Path jar;
    private final ClusterConfig config;
    private final List<String> jvmOptions;
    private final Map<Integer, Process> processes = new TreeMap<>();
    /** How long each node's {@code logs/node-<id>.out} was when its process started: what it printed since is its own. */
    private final Map<Integer, Long> outputFrom = new TreeMap<>();
    private List<String> nodeArgs = List.of();
    private IntFunction<List<String>> launcher = id -> List.of();
    /** The nodes' class-data-sharing archive next to the jar ({@link ClassArchive}). */
    private final ClassArchive archive;
    /** The node whose JVM records the archive while it is missing or stale, and its recording; at most one at a time. */
    private int recordingNode;
    private volatile ClassArchive.Recording recording;

    private LocalCluster(Path dir, Path jar, ClusterConfig config, List<String> jvmOptions) {
        this.dir = dir;
        this.jar = jar;
        this.config = config;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.archive = ClassArchive.of(jar, "RmiNode");
        // Whatever way the program that started the nodes ends, it leaves no node process behind.
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "local-cluster-stop"));
    }

    /**
     * A cluster of the configuration already in {@code dir/nodes.properties}. The program that runs it is its operator:
     * from now on this process calls with the admin key of {@code dir/resources/tls} ({@link Credentials}), or in
     * plaintext if the configuration says {@code tls=off}.
     *
     * @throws ConfigException for a bad configuration, or a missing admin key
     */
    public static LocalCluster open(Path dir, Path config, Path jar, List<String> jvmOptions) throws ConfigException {
        ClusterConfig cluster = ClusterConfig.load(config.toAbsolutePath());
        Credentials.choose(cluster, Role.ADMIN, dir.resolve("resources"));
        return new LocalCluster(dir, jar, cluster, jvmOptions);
    }

    /**
     * Creates the keys a local cluster in {@code dir} lacks ({@code resources/tls}: the CA, a key per node, the admin's
     * and the client's), unless its configuration says {@code tls=off}.
     *
     * @return what was created, as {@link TlsFiles#ensureLocalCluster} says; empty when nothing was missing
     */
    public static List<String> ensureKeys(Path dir, ClusterConfig config) throws ConfigException, IOException {
        return config.tls() ? TlsFiles.under(dir.resolve("resources")).ensureLocalCluster(config) : List.of();
    }

    /**
     * Writes a fresh cluster into {@code dir}: {@code nodes.properties} with {@code nodes} free loopback
     * ports plus {@code settings}, a library of {@code books} books and, unless {@code settings} has {@code tls=off},
     * the cluster's keys.
     */
    public static LocalCluster create(Path dir, int nodes, int books, Map<String, String> settings, Path jar,
                                      List<String> jvmOptions) throws IOException, ConfigException {
        return create(dir, nodes, books, settings, jar, jvmOptions, id -> "127.0.0.1");
    }

    /** As {@link #create(Path, int, int, Map, Path, List)}, node {@code id} on loopback address {@code host(id)}. */
    public static LocalCluster create(Path dir, int nodes, int books, Map<String, String> settings, Path jar,
                                      List<String> jvmOptions, IntFunction<String> host) throws IOException, ConfigException {
        Files.createDirectories(dir);
        List<String> lines = new ArrayList<>();
        List<Integer> ports = freePorts(nodes);
        for (int id = 1; id <= nodes; id++) {
            lines.add("node." + id + "=" + host.apply(id) + ":" + ports.get(id - 1));
        }
        // A local cluster is one to watch: its nodes record events (timeline, dashboard) unless the settings say otherwise.
        Map<String, String> all = new LinkedHashMap<>(Map.of("events", "on"));
        all.putAll(settings);
        all.forEach((k, v) -> lines.add(k + "=" + v));
        Path file = dir.resolve(ClusterConfig.DEFAULT_FILE);
        Files.write(file, lines, StandardCharsets.UTF_8);
        new LibraryFiles(dir.resolve("resources")).create(SampleCatalog.books(books));
        ensureKeys(dir, ClusterConfig.load(file));
        return open(dir, file, jar, jvmOptions);
    }

    /**
     * Ports that were free on 127.0.0.1 a moment ago, all different, drawn at random below the range from which the
     * kernel picks outgoing connections' local ports ({@code net.ipv4.ip_local_port_range}, 32768-60999 by default):
     * a port from inside it, as {@code bind(0)} gives, can be taken by any process's next connection in the seconds
     * before a node's JVM binds it (a process test failed so: "port 37569 on 127.0.0.1 is already in use"). Falls
     * back to {@code bind(0)} where that range leaves too little room below it.
     */
    public static List<Integer> freePorts(int n) throws IOException {
        int below = Math.min(ephemeralFrom(), MAX_PORT + 1);
        int from = Math.max(MIN_PORT, below - PORT_SPREAD);
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int tries = 0; held.size() < n && tries < n * PORT_TRIES && below - from >= n * PORT_TRIES; tries++) {
                int port = from + ThreadLocalRandom.current().nextInt(below - from);
                bindQuietly(port).ifPresent(held::add);
            }
            while (held.size() < n) {
                held.add(bindQuietly(0).orElseThrow(() -> new IOException("no free port on 127.0.0.1")));
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    /** A listening socket on 127.0.0.1:{@code port} (0: any), held until closed; empty when the port is taken. */
    private static Optional<ServerSocket> bindQuietly(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return Optional.of(s);
        } catch (IOException e) {
            s.close();
            return Optional.empty();
        }
    }

    /** The first port of this machine's range for outgoing connections (Linux), or 32768, its default, elsewhere. */
    static int ephemeralFrom() {
        try {
            // by lines: Files.readString of this file (whose size says 0) returned its first byte only, "3"
            String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).strip().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_FROM;
        }
    }

    /** The jar this code runs from, or the {@code shelf.jar} system property (tests). */
    public static Path currentJar() {
        return ShelfJar.locate().orElseThrow(() -> new IllegalStateException("cannot find shelf.jar: run 'mvn package' first"));
    }

    /**
     * A command put before the {@code java} of every node started from now on, by node id: to run each node under its own
     * group id ({@link NetPartition#launcher}). The command must exec the rest, so the process is the node's.
     */
    public LocalCluster withLauncher(IntFunction<List<String>> prefix) {
        this.launcher = prefix;
        return this;
    }

    /** Extra arguments for every node started from now on, e.g. {@code --log-level WARN}. */
    public LocalCluster withNodeArgs(List<String> args) {
        this.nodeArgs = List.copyOf(args);
        return this;
    }

    /**
     * Starts node {@code id} as its own JVM; its stdout and stderr go to {@code logs/node-<id>.out}. Its standard input
     * is a pipe from this process, which the node watches ({@code --exit-with-parent}): when this process ends, even by
     * {@code kill -9}, the node stops too.
     */
    public Process start(int id) throws IOException {
        Process old = processes.get(id);
        if (old != null && old.isAlive()) {
            throw new IllegalStateException("node " + id + " is already running (pid " + old.pid() + ")");
        }
        Files.createDirectories(dir.resolve("logs"));
        settleArchive();
        List<String> command = new ArrayList<>(launcher.apply(id));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(archiveOptions(id));
        command.addAll(List.of("-cp", jar.toString(), "RmiNode", String.valueOf(id), "--config",
                config.source(), "--exit-with-parent"));
        command.addAll(nodeArgs);
        Path out = output(id);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        outputFrom.put(id, Files.exists(out) ? Files.size(out) : 0L);
        Process p = builder.start();
        processes.put(id, p);
        return p;
    }

    /**
     * The node's class-data-sharing options: the archive when it is fresh; else this node records it, unless another
     * does already; none when the JVM options or {@code SHELF_CDS=off} chose otherwise.
     */
    private List<String> archiveOptions(int id) {
        if (ClassArchive.chosenElsewhere(jvmOptions, System.getenv(ClassArchive.SWITCH))) {
            return List.of();
        }
        Optional<String> use = archive.useOption();
        if (use.isPresent()) {
            return List.of(use.get());
        }
        if (recording != null) {
            return List.of();
        }
        recordingNode = id;
        recording = archive.record("node-" + id + "-" + ProcessHandle.current().pid());
        return recording.options();
    }

    /** Whether a node records the class-data-sharing archive: stopping it cleanly then dumps the archive (a few seconds). */
    public boolean recordingArchive() {
        Process p = processes.get(recordingNode);
        return recording != null && p != null && p.isAlive(); // a node that has ended records nothing more
    }

    /** Once the recording node has exited: its archive is adopted if it ended cleanly (exit 0, or 143 after SIGTERM). */
    private void settleArchive() {
        Process p = processes.get(recordingNode);
        if (recording == null || p == null || p.isAlive()) {
            return;
        }
        archive.adopt(recording, p.exitValue() == 0 || p.exitValue() == SIGTERM_EXIT);
        recording = null;
    }

    public void startAll() throws IOException {
        for (int id : config.ids()) {
            start(id);
        }
    }

    /** {@code kill -9}: the node's process ends at once, with no chance to clean up. */
    public void kill(int id) throws InterruptedException {
        Process p = process(id);
        p.destroyForcibly();
        p.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** {@code SIGSTOP}: the node freezes, sockets open, as in a long GC pause. */
    public void pause(int id) throws IOException, InterruptedException {
        signal(id, "STOP");
    }

    /** {@code SIGCONT}: a paused node resumes where it stopped. */
    public void resume(int id) throws IOException, InterruptedException {
        signal(id, "CONT");
    }

    private void signal(int id, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process(id).pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " of node " + id + " failed");
        }
    }

    /** Stops a node cleanly (SIGTERM; its shutdown hook unexports and closes the library). */
    public void stop(int id) throws InterruptedException {
        Process p = processes.get(id);
        if (p == null) {
            return;
        }
        resumeQuietly(p);
        p.destroy();
        if (!p.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(FORCED_EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        settleArchive();
    }

    private static void resumeQuietly(Process p) {
        try {
            new ProcessBuilder("kill", "-CONT", String.valueOf(p.pid())).start().waitFor(SIGNAL_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // best effort: the node is being stopped anyway
        }
    }

    /**
     * Stops node {@code id} if this cluster started it and it runs (SIGTERM), then starts it again.
     *
     * @throws IllegalStateException when the node answers but this cluster did not start it (a node started by hand)
     */
    public Process restart(int id) throws IOException, InterruptedException {
        if (!isAlive(id) && status(id).isPresent()) {
            throw new IllegalStateException("node " + id + " is running but was not started by this cluster (started by hand?):"
                    + " stop it first (java -jar " + ShelfJar.typed(dir) + " admin -n " + id + " crash)");
        }
        stop(id);
        return start(id);
    }

    /** The process this cluster last started for node {@code id}, running or not; empty if it never started one. */
    public Optional<Process> started(int id) {
        return Optional.ofNullable(processes.get(id));
    }

    /**
     * Waits until node {@code id} answers and it and every other node that answers follow one coordinator among them, in
     * one epoch (nodes that do not answer, down or paused, are left out).
     *
     * @return the node's status then
     * @throws IllegalStateException when it does not within {@code timeout}
     */
    public NodeStatus awaitJoined(int id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Collection<NodeStatus> answering = statuses(config.ids()).values();
            Optional<NodeStatus> node = answering.stream().filter(s -> s.id() == id).findFirst();
            if (node.isPresent() && answering.stream().anyMatch(s -> s.id() == node.get().coordinator())
                    && answering.stream().allMatch(s -> s.coordinator() == node.get().coordinator()
                            && s.epoch() == node.get().epoch())) {
                return node.get();
            }
            String last = lastLine(dir.resolve("logs").resolve("node-" + id + ".log"), 0);
            if (node.isEmpty() && last.contains(Stores.WAITING_FOR_DATABASE)) { // it may wait for long: say so now
                throw new IllegalStateException("node " + id + " waits for the library's database before it listens, and"
                        + " joins once the database answers; the last line of its log: " + last);
            }
            Thread.sleep(AGREEMENT_POLL_MS);
        }
        // Why, often: a port in use, a library it refused.
        String last = lastLine(dir.resolve("logs").resolve("node-" + id + ".log"), 0);
        throw new IllegalStateException("node " + id + " did not join a coordinator that every node answering follows within "
                + timeout.toMillis() + " ms" + (last.isEmpty() ? "" : "; the last line of its log: " + last));
    }

    public Process process(int id) {
        Process p = processes.get(id);
        if (p == null) {
            throw new IllegalArgumentException("node " + id + " was not started");
        }
        return p;
    }

    public boolean isAlive(int id) {
        Process p = processes.get(id);
        return p != null && p.isAlive();
    }

    /** The node's admin service, or empty if it does not answer. */
    public Optional<NodeStatus> status(int id) {
        try {
            return Optional.of(admin(id).status());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /**
     * The status of each node of {@code ids} that answers, asked of all at once: a node that is slow to answer (starting,
     * paused, overloaded) costs its own timeout once, not once per node behind it.
     */
    public Map<Integer, NodeStatus> statuses(List<Integer> ids) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, ids.size()), r -> {
            Thread t = new Thread(r, "status-query");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<Integer, Future<Optional<NodeStatus>>> asked = new TreeMap<>();
            for (int id : ids) {
                asked.put(id, pool.submit(() -> status(id)));
            }
            Map<Integer, NodeStatus> answers = new TreeMap<>();
            for (Map.Entry<Integer, Future<Optional<NodeStatus>>> e : asked.entrySet()) {
                try {
                    e.getValue().get().ifPresent(s -> answers.put(e.getKey(), s));
                } catch (ExecutionException ex) {
                    // status() answers empty rather than throw
                }
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    public AdminService admin(int id) throws Exception {
        return Admin.connect(config, id);
    }

    /**
     * Waits until every node in {@code ids} answers and all follow one coordinator among them, in one epoch, whose lock
     * server is serving. The {@code timeout} counts from the moment every node answers; until then (nodes still starting)
     * it is extended by up to a minute.
     *
     * @return the coordinator's id
     * @throws IllegalStateException naming each node's view (or those that never answered) when they do not agree in time
     */
    public int awaitAgreement(List<Integer> ids, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos() + START_ALLOWANCE.toNanos();
        boolean allAnswered = false;
        List<NodeStatus> statuses = List.of();
        while (System.nanoTime() < deadline) {
            Optional<String> ended = ended(ids);
            if (ended.isPresent()) { // it will not answer: no use waiting out the start allowance
                throw new NodeEndedException(ended.get());
            }
            statuses = new ArrayList<>(statuses(ids).values());
            if (statuses.size() == ids.size()) {
                if (!allAnswered) {
                    allAnswered = true;
                    deadline = Math.min(deadline, System.nanoTime() + timeout.toNanos());
                }
                Optional<Integer> agreed = agreedCoordinator(ids, statuses);
                if (agreed.isPresent()) {
                    return agreed.get();
                }
            }
            Thread.sleep(AGREEMENT_POLL_MS);
        }
        String views = statuses.stream().map(s -> s.id() + "->" + s.coordinator() + "@" + s.epoch()).toList().toString();
        if (!allAnswered) {
            List<Integer> answered = statuses.stream().map(NodeStatus::id).toList();
            List<Integer> silent = ids.stream().filter(id -> !answered.contains(id)).toList();
            throw new IllegalStateException("nodes " + silent + " did not answer within "
                    + (timeout.toMillis() + START_ALLOWANCE.toMillis()) + " ms; views of the others (node->coordinator@epoch): "
                    + views);
        }
        throw new IllegalStateException("nodes " + ids + " did not agree on a coordinator within " + timeout.toMillis()
                + " ms of all answering; views (node->coordinator@epoch): " + views);
    }

    /**
     * {@link #awaitAgreement(List, Duration)}, taking the nodes' own logs' word for it ({@link LogAgreement}) as soon as
     * they say it, and asking the nodes themselves only when the logs have not said it within {@link #LOGS_FIRST}
     * (nodes logging at WARN, a log rolled meanwhile, or a start that slow): reading files costs the starting nodes
     * nothing, where a status call over TLS costs each a handshake and a snapshot every {@value #AGREEMENT_POLL_MS} ms.
     */
    public int awaitAgreement(List<Integer> ids, Duration timeout, LogAgreement logs) throws InterruptedException {
        long askFrom = System.nanoTime() + LOGS_FIRST.toNanos();
        while (System.nanoTime() - askFrom < 0) {
            Optional<String> ended = ended(ids);
            if (ended.isPresent()) {
                throw new NodeEndedException(ended.get());
            }
            Optional<Integer> agreed = logs.coordinator(ids);
            if (agreed.isPresent()) {
                return agreed.get();
            }
            Thread.sleep(AGREEMENT_POLL_MS);
        }
        return awaitAgreement(ids, timeout);
    }

    /** {@link #awaitAgreement} gave up because a node it waited for has exited: it would never have answered. */
    public static final class NodeEndedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NodeEndedException(String message) {
            super(message);
        }
    }

    /**
     * Waits up to {@code within} for every node this cluster started to end (nodes that fail to start end within
     * moments of each other).
     *
     * @return whether none is left running
     */
    public boolean awaitAllEnded(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!liveIds().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(AGREEMENT_POLL_MS);
        }
        return liveIds().isEmpty();
    }

    /**
     * The first node of {@code ids} whose process this cluster started and which has ended since: its exit code and the
     * last line it printed in this run (a node that cannot start says why in one line: a port in use, a bad option).
     */
    private Optional<String> ended(List<Integer> ids) {
        for (int id : ids) {
            Process p = processes.get(id);
            if (p != null && !p.isAlive()) {
                String said = lastLine(output(id), outputFrom.getOrDefault(id, 0L));
                return Optional.of("node " + id + " exited with code " + p.exitValue() + (said.isEmpty() ? ""
                        : ": " + said) + " (logs/node-" + id + ".out)");
            }
        }
        return Optional.empty();
    }

    /**
     * The last line that is not blank in what {@code file} holds after byte {@code from} (its last 4 KB at most), or "";
     * the line before the JVM's own last words when it could not start ("A fatal exception has occurred").
     */
    public static String lastLine(Path file, long from) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(from, in.length() - LAST_LINE_BYTES);
            if (start >= in.length()) {
                return "";
            }
            byte[] tail = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(tail);
            List<String> lines = new String(tail, StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty()).toList();
            int last = lines.size() - 1;
            while (last > 0 && JVM_GAVE_UP.stream().anyMatch(lines.get(last)::startsWith)) { // the line before says why
                last--;
            }
            return last < 0 ? "" : lines.get(last);
        } catch (IOException e) {
            return "";
        }
    }

    private Path output(int id) {
        return dir.resolve("logs").resolve("node-" + id + ".out");
    }

    /** The coordinator all {@code statuses} follow in one epoch, if it is among {@code ids} and its lock server serves. */
    private static Optional<Integer> agreedCoordinator(List<Integer> ids, List<NodeStatus> statuses) {
        NodeStatus first = statuses.get(0);
        boolean agree = ids.contains(first.coordinator()) && statuses.stream().allMatch(s ->
                s.coordinator() == first.coordinator() && s.epoch() == first.epoch());
        boolean serving = statuses.stream().anyMatch(s -> s.id() == first.coordinator() && s.lock().phase() == LockPhase.SERVING);
        return agree && serving ? Optional.of(first.coordinator()) : Optional.empty();
    }

    /** The live nodes started by this cluster, ascending. */
    public List<Integer> liveIds() {
        return processes.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey).toList();
    }

    public ClusterConfig config() {
        return config;
    }

    public Path dir() {
        return dir;
    }

    /** Stops every node it started (SIGCONT first for paused ones), so no process is left behind. */
    @Override
    public synchronized void close() {
        for (Process p : processes.values()) {
            resumeQuietly(p);
            p.destroy();
        }
        for (Process p : processes.values()) {
            try {
                if (!p.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(FORCED_EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        settleArchive();
    }
}
