package shelf.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shelf.cluster.ClusterLock;
import shelf.cluster.ControlChannel;
import shelf.cluster.LocalCluster;
import shelf.cluster.LogAgreement;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.config.NodeAddress;
import shelf.config.StoreConfig;
import shelf.library.LibraryFiles;
import shelf.library.SampleCatalog;
import shelf.library.StoreException;
import shelf.util.ExitCodes;
import shelf.util.ShelfJar;
import shelf.util.Texts;
import shelf.util.VersionProvider;

/**
 * {@code shelf cluster}: the whole local cluster in one command. Starts every node of the configuration
 * as its own JVM, waits until they agree on a coordinator, shows how to connect, then streams the
 * nodes' logs merged until Ctrl-C, which stops every node it started. It is the folder's one cluster
 * ({@link ClusterLock}); its nodes end with it even when it is killed ({@code --exit-with-parent}); other
 * terminals reach it with {@code cluster status|restart|stop} ({@link ClusterControlCommands}).
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        subcommands = {ClusterControlCommands.Status.class, ClusterControlCommands.Stop.class,
                ClusterControlCommands.Restart.class},
        description = {"Starts every node of nodes.properties as its own process and streams their logs.",
                "Waits for a coordinator, then prints the nodes' logs merged in time order. Ctrl-C stops every node.",
                "Creates the library if there is none, and the TLS keys that are missing (resources/tls/) unless tls=off.",
                "With --store postgresql the library is in a PostgreSQL server this command runs (resources/postgresql).",
                "From another terminal: cluster status, cluster restart ID, cluster stop."})
public final class ClusterCommand implements Callable<Integer> {
    private static final String[] COLOURS = {"\u001b[36m", "\u001b[33m", "\u001b[35m", "\u001b[32m", "\u001b[34m", "\u001b[31m"};
    private static final String RESET = "\u001b[0m";
    /** The jshell script of the project's checkout, named in the banner when the cluster runs there. */
    private static final String ADMIN_SCRIPT = "src/main/jshell/admin.jsh";
    private static final long POLL_MS = 100;
    /** After one node ended at start, how long the others may take to show that they cannot start either. */
    private static final Duration NODES_ENDING = Duration.ofSeconds(3);
    /** At most this much of a log is read per poll. */
    private static final int MAX_READ_BYTES = 1 << 20;
    /** Each log line ends with its time, "[yyyy-MM-dd HH:mm:ss.SSS LEVEL]" (Logging.TIME_FORMAT). */
    private static final int TIME_LENGTH = Logging.TIME_FORMAT.length();

    @Option(names = "--nodes", split = ",", paramLabel = "ID", description = "Start only these nodes, e.g. --nodes 1,2,3.")
    List<Integer> only;

    @Option(names = "--no-color", description = "Plain output even on a terminal.")
    boolean noColour;

    @Option(names = "--jvm", paramLabel = "OPTION", split = " ", defaultValue = LocalCluster.NODE_JVM_OPTIONS,
            description = "JVM options for each node (default: ${DEFAULT-VALUE}).")
    List<String> jvmOptions;

    @Option(names = "--store", paramLabel = "KIND", defaultValue = "file",
            description = "Where the library is: file (resources/, the default) or postgresql (an embedded server).")
    String store;

    @Option(names = "--no-dashboard", description = "Do not serve the live web dashboard.")
    boolean noDashboard;

    @Option(names = "--dashboard-port", paramLabel = "PORT", defaultValue = "" + DashboardCommand.DEFAULT_PORT,
            description = "The dashboard's port on 127.0.0.1 (default: ${DEFAULT-VALUE}; a free one when it is taken).")
    int dashboardPort;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        ClusterConfig cluster = config.load();
        refuseUsersWithoutDatabase(cluster);
        List<Integer> ids = chosenIds(cluster);
        Path dir = Path.of("").toAbsolutePath();
        ClusterLock lock = lock(dir);
        requireFreePorts(cluster, ids);
        EmbeddedClusterStore database = embeddedDatabase(dir, cluster);
        prepareLibrary(dir, cluster, database == null);
        Files.createDirectories(dir.resolve("logs"));
        Map<Integer, Long> logStart = new HashMap<>();
        for (int id : ids) {
            Path log = logFile(dir, id);
            logStart.put(id, Files.exists(log) ? Files.size(log) : 0L);
        }
        Path nodesConfig = database == null ? config.file : database.configFile();
        LocalCluster nodes = LocalCluster.open(dir, nodesConfig, LocalCluster.currentJar(), jvmOptions);
        ClusterOwner owner = new ClusterOwner(nodes, ids, dir);
        ControlChannel control = ControlChannel.of(dir);
        control.clear();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(System.lineSeparator() + "Stopping nodes " + ids + " ..." + (nodes.recordingArchive()
                    ? " (and writing their class-data-sharing archive: once per build, a few seconds)" : ""));
            List<String> report = owner.stopAll();
            if (database != null) {
                database.close();
            }
            report.forEach(System.out::println);
            try {
                lock.close(report);
            } catch (IOException e) {
                System.out.println("Could not leave the stop report in logs/cluster: " + e.getMessage());
            }
            stopped.countDown();
        }, "cluster-stop"));
        for (int id : ids) {
            nodes.start(id);
        }
        long started = System.nanoTime();
        try {
            int coordinator = nodes.awaitAgreement(ids, LocalCluster.AGREEMENT_TIMEOUT,
                    new LogAgreement(dir.resolve("logs"), logStart));
            System.out.printf(Locale.US, "%d nodes agree on coordinator node %d after %d ms.%n", ids.size(), coordinator,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (LocalCluster.NodeEndedException e) {
            if (nodes.awaitAllEnded(NODES_ENDING)) { // nothing to watch: say why and end (the hook stops and reports)
                throw new CliException(ExitCodes.UNAVAILABLE, "no node is running: " + e.getMessage());
            }
            System.out.println("Warning: " + e.getMessage() + " (see the logs below)");
        } catch (IllegalStateException e) {
            System.out.println("Warning: " + e.getMessage() + " (see the logs below)");
        }
        printBanner(dir, cluster, ids, nodes);
        startDashboard(dir, cluster, owner);
        System.out.println("Ctrl-C stops every node. Logs follow." + System.lineSeparator());
        follow(dir, ids, logStart, owner, control, stopped);
        return ExitCodes.OK;
    }

    /** The dashboard on {@code --dashboard-port}, or a free port when that one is taken; it prints its URL. */
    private void startDashboard(Path dir, ClusterConfig cluster, ClusterOwner owner) {
        if (noDashboard) {
            return;
        }
        try {
            DashboardCommand.start(cluster, "127.0.0.1", dashboardPort, true, dir.resolve("logs"), owner.inProcess());
        } catch (RuntimeException e) {
            System.out.println("Dashboard: not started (" + e.getMessage() + "); the cluster runs without it");
        }
    }

    /**
     * Each chosen node's port is free on its address: a node whose port another process holds (a cluster in another
     * folder with the same ports) exits at once, and the command would otherwise wait for it to answer.
     */
    static void requireFreePorts(ClusterConfig cluster, List<Integer> ids) {
        for (int id : ids) {
            NodeAddress a = cluster.nodes().get(id);
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(a.host(), a.port()));
            } catch (BindException e) {
                if (String.valueOf(e.getMessage()).contains("in use")) {
                    throw new CliException(ExitCodes.USAGE, "node " + id + "'s port " + a.port() + " on " + a.host()
                            + " is in use by another process (a cluster in another folder with the same ports?): stop it,"
                            + " or give this cluster other ports in " + cluster.source());
                }
            } catch (IOException | IllegalArgumentException e) {
                // not this machine's address, say: the node itself says what is wrong
            }
        }
    }

    /** This process becomes the folder's one cluster, or the command ends with one line naming the one that runs. */
    private static ClusterLock lock(Path dir) throws IOException {
        try {
            return ClusterLock.acquire(dir);
        } catch (ClusterLock.AlreadyRunningException e) {
            throw new CliException(ExitCodes.REFUSED, e.getMessage());
        }
    }

    /** The file library ({@code fileStore}; PostgreSQL's is made by its store) and the TLS keys that are missing. */
    private static void prepareLibrary(Path dir, ClusterConfig cluster, boolean fileStore) throws IOException, ConfigException {
        if (fileStore) {
            ensureFileLibrary(dir);
        }
        List<String> keys = LocalCluster.ensureKeys(dir, cluster);
        if (!keys.isEmpty()) {
            System.out.println("Created TLS keys in resources/tls: " + String.join(", ", keys));
        }
    }

    private static void printBanner(Path dir, ClusterConfig cluster, List<Integer> ids, LocalCluster nodes)
            throws ConfigException {
        for (int id : ids) {
            NodeAddress a = cluster.require(id);
            System.out.printf(Locale.US, "  node %d  %-21s pid %-8s log %s%n", id, a,
                    nodes.isAlive(id) ? String.valueOf(nodes.process(id).pid()) : "- (exited)", dir.relativize(logFile(dir, id)));
        }
        int someNode = ids.get(0);
        String jar = ShelfJar.typed(dir);
        System.out.println();
        System.out.println("Client:  java -cp " + jar + " RmiClient -u alice -n " + someNode + "     (or add: borrow 3)");
        System.out.println("Admin:   java -jar " + jar + " admin --all status");
        System.out.println("jshell:  jshell --class-path " + jar + " " + (Files.isRegularFile(dir.resolve(ADMIN_SCRIPT))
                ? ADMIN_SCRIPT : "    (then: shelf.admin.Admin.connect(" + someNode + ").status())"));
        System.out.println("Crash the coordinator:  java -jar " + jar + " admin -n <id> crash");
        System.out.println("From another terminal:  java -jar " + jar + " cluster status | restart <id> | stop");
    }

    /** The nodes to start: {@code --nodes}, each checked against the configuration, or every node. */
    private List<Integer> chosenIds(ClusterConfig cluster) throws shelf.config.ConfigException {
        List<Integer> ids = only == null ? cluster.ids() : only;
        Set<Integer> seen = new HashSet<>();
        for (int id : ids) {
            cluster.require(id);
            if (!seen.add(id)) {
                throw new CliException(ExitCodes.USAGE, "--nodes names node " + id + " twice: give each node once, e.g. "
                        + "--nodes " + ids.stream().distinct().map(String::valueOf).collect(Collectors.joining(",")));
            }
        }
        return ids;
    }

    /** {@code users=postgresql} needs the library in PostgreSQL: said before any node starts (each would exit). */
    private void refuseUsersWithoutDatabase(ClusterConfig cluster) {
        if (cluster.usersInDatabase() && cluster.store().kind() != StoreConfig.Kind.POSTGRESQL && !store.equals("postgresql")) {
            throw new CliException(ExitCodes.USAGE, cluster.source() + ": " + ClusterConfig.USERS + "=postgresql keeps the"
                    + " users in the library's database: start the cluster with --store postgresql (or name a database"
                    + " with store=postgresql, or keep the users in a file: " + ClusterConfig.USERS_FILE + "=FILE)");
        }
    }

    /** {@code --store postgresql}: the embedded server, started; {@code --store file}: null. */
    private EmbeddedClusterStore embeddedDatabase(Path dir, ClusterConfig cluster) throws IOException {
        return switch (store) {
            case "file" -> null;
            case "postgresql" -> EmbeddedClusterStore.start(dir, config.file, cluster);
            default -> throw new CliException(ExitCodes.USAGE,
                    "--store must be file or postgresql, got '" + Texts.quoted(store) + "'");
        };
    }

    /** The file library in resources/, created when there is none. */
    private static void ensureFileLibrary(Path dir) throws IOException {
        LibraryFiles library = new LibraryFiles(dir.resolve("resources"));
        if (!library.exists()) {
            refuseToEraseLoans(library);
            library.create(SampleCatalog.books(InitCommand.DEFAULT_BOOKS));
            System.out.println("Created a library of " + InitCommand.DEFAULT_BOOKS + " books in resources/");
        }
        requireHistory(library);
    }

    /** A new library only where it erases no loan record: CreateBooks --force is the way to start over. */
    private static void refuseToEraseLoans(LibraryFiles library) throws IOException {
        long records = library.historyRecords();
        if (records > 0) {
            throw new CliException(ExitCodes.REFUSED, library.catalog() + " is missing but " + library.history() + " has "
                    + records + " loan records; refusing to create a new library over them (restore "
                    + LibraryFiles.CATALOG + ", or start over with CreateBooks --force)");
        }
    }

    /** A catalogue without its history is an error (every node would refuse it), not a new empty history. */
    private static void requireHistory(LibraryFiles library) {
        try {
            library.requireHistory();
        } catch (StoreException e) {
            throw new CliException(ExitCodes.REFUSED, e.getMessage());
        }
    }

    private static Path logFile(Path dir, int id) {
        return dir.resolve("logs").resolve("node-" + id + ".log");
    }

    /**
     * Prints new log lines of every node, prefixed and coloured by node, reports nodes that exit, and answers the
     * requests of other terminals, until the shutdown hook has stopped the nodes or every node has exited.
     */
    private void follow(Path dir, List<Integer> ids, Map<Integer, Long> positions, ClusterOwner owner, ControlChannel control,
                        CountDownLatch stopped) throws InterruptedException, IOException {
        boolean colour = !noColour && System.console() != null && System.getenv("NO_COLOR") == null;
        Map<Integer, StringBuilder> partial = new HashMap<>();
        while (stopped.getCount() > 0) {
            List<String[]> batch = new ArrayList<>();
            for (int id : ids) {
                for (String line : newLines(logFile(dir, id), id, positions, partial)) {
                    batch.add(new String[] {timeOf(line), String.valueOf(id), line});
                }
            }
            printMerged(batch, colour);
            reportExits(dir, ids, owner);
            if (owner.allExited()) {
                System.out.println("Every node has exited.");
                return;
            }
            owner.serve(control);
            Thread.sleep(POLL_MS);
        }
    }

    /** Prints {time, node id, line} triples in time order, each line prefixed (and coloured) by its node. */
    private static void printMerged(List<String[]> batch, boolean colour) {
        // Merged in time order: each line ends with its time, "[yyyy-MM-dd HH:mm:ss.SSS LEVEL]".
        batch.sort(java.util.Comparator.comparing(l -> l[0]));
        for (String[] l : batch) {
            int id = Integer.parseInt(l[1]);
            String prefix = String.format(Locale.US, "[%d] ", id);
            System.out.println(colour ? COLOURS[(id - 1) % COLOURS.length] + prefix + l[2] + RESET : prefix + l[2]);
        }
    }

    /** Reports, once each, the node processes that have exited, with the last line each printed. */
    private static void reportExits(Path dir, List<Integer> ids, ClusterOwner owner) throws IOException {
        for (int id : ids) {
            Optional<Process> exited = owner.newlyExited(id);
            if (exited.isPresent()) {
                String said = LocalCluster.lastLine(dir.resolve("logs").resolve("node-" + id + ".out"), 0);
                System.out.printf(Locale.US, "[%d] *** node %d exited with code %d%s; it is not restarted (restart it: "
                                + "java -jar %s cluster restart %d)%n", id, id, exited.get().exitValue(),
                        said.isEmpty() ? "" : ": " + said, ShelfJar.typed(dir), id);
            }
        }
    }

    private static String timeOf(String line) {
        int open = line.lastIndexOf('[');
        return open >= 0 && line.length() - open > TIME_LENGTH + 1 ? line.substring(open + 1, open + 1 + TIME_LENGTH) : "";
    }

    /** The lines {@code file} (node {@code id}'s log) got since the last call, also across a roll of the file. */
    static List<String> newLines(Path file, int id, Map<Integer, Long> positions, Map<Integer, StringBuilder> partial)
            throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) { // not yet written, or between a roll's renaming and the new file
            return List.of();
        }
        long position = positions.getOrDefault(id, 0L);
        StringBuilder buffer = partial.computeIfAbsent(id, k -> new StringBuilder());
        if (size < position) { // the log rolled (Logging): what was written after the last look is in file.1
            read(Path.of(file + ".1"), position, buffer);
            position = 0;
        }
        positions.put(id, position + read(file, position, buffer));
        List<String> lines = new ArrayList<>();
        int nl;
        while ((nl = buffer.indexOf("\n")) >= 0) {
            lines.add(buffer.substring(0, nl));
            buffer.delete(0, nl + 1);
        }
        return lines;
    }

    /** Appends to {@code buffer} what {@code file} holds from byte {@code position} on (at most 1 MB). */
    private static long read(Path file, long position, StringBuilder buffer) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length <= position) {
                return 0;
            }
            byte[] bytes = new byte[(int) Math.min(length - position, MAX_READ_BYTES)];
            in.seek(position);
            in.readFully(bytes);
            buffer.append(new String(bytes, StandardCharsets.UTF_8));
            return bytes.length;
        } catch (FileNotFoundException e) {
            return 0;
        }
    }
}
