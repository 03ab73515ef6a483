package shelf.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import shelf.cluster.LocalCluster;
import shelf.cluster.NetPartition;
import shelf.config.ConfigException;
import shelf.config.Timings;
import shelf.library.Book;
import shelf.library.HistoryRecord;
import shelf.library.StoreException;
import shelf.rmi.RmiServer;
import shelf.util.Throwables;

/**
 * One chaos run: a cluster of node processes in a temporary folder, clients driving it, the nemesis breaking it; then
 * everything healed, the cluster given time to settle, and the recorded history checked ({@link Verdict}). The
 * folder, with the nodes' logs, lives until {@link #close}.
 */
public final class ChaosRun implements AutoCloseable {
    /** How long the healed cluster gets to agree on one coordinator again: ample on a busy two-core machine. */
    static final Duration SETTLE = Duration.ofSeconds(60);
    private static final int HEAL_TRIES = 10;
    private static final long HEAL_PAUSE_MS = 1_000;
    /** The name of the check that the cluster recovered. */
    static final String RECOVERED = "recovered";

    private final ChaosOptions options;
    private final Path dir;
    private final LocalCluster cluster;
    /** The library's database with {@code --store postgresql}; null with the file library. */
    private final ChaosDatabase database;

    private ChaosRun(ChaosOptions options, Path dir, LocalCluster cluster, ChaosDatabase database) {
        this.options = options;
        this.dir = dir;
        this.cluster = cluster;
        this.database = database;
    }

    /**
     * Starts the cluster and waits until its nodes agree on a coordinator.
     *
     * @throws IllegalStateException when they do not in time, or the database does not start (the folder is deleted)
     */
    public static ChaosRun start(ChaosOptions options) throws IOException, ConfigException, InterruptedException {
        Path dir = Files.createTempDirectory("shelf-chaos");
        LocalCluster cluster = null;
        ChaosDatabase database = null;
        try {
            if (options.postgresql()) {
                try {
                    database = ChaosDatabase.start(dir.resolve("postgresql"), options.books(), Timings.DEFAULTS.leaseMs());
                } catch (StoreException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
            boolean real = options.faults().contains(FaultKind.NETPARTITION);
            // A real partition tells the nodes apart by address and group id: each gets its own (cluster.NetPartition).
            cluster = LocalCluster.create(dir, options.nodes(), options.books(), database == null ? Map.of()
                    : database.settings(), LocalCluster.currentJar(), options.jvmOptions(),
                    real ? NetPartition::address : id -> "127.0.0.1");
            if (real) {
                cluster.withLauncher(NetPartition::launcher);
            }
            cluster.startAll();
            cluster.awaitAgreement(cluster.config().ids(), SETTLE);
            return new ChaosRun(options, dir, cluster, database);
        } catch (IOException | ConfigException | InterruptedException | RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            closeQuietly(database);
            delete(dir);
            throw e;
        }
    }

    /** Runs the workload and the faults, heals, settles, checks, and writes the report; the verdict. */
    public Verdict run(PrintWriter err, boolean terminal) throws IOException, InterruptedException {
        RmiServer.useClientTimeouts(cluster.config());
        History history = new History(System.nanoTime());
        Watcher watcher = new Watcher(cluster, history);
        Nemesis nemesis = new Nemesis(cluster, database, history, watcher, options.faults(), options.seed());
        List<Client> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        threads.add(daemon(watcher, "chaos-watcher"));
        threads.add(daemon(new Progress(err, terminal, history, nemesis, options.seconds()), "chaos-progress"));
        for (int i = 1; i <= options.clients(); i++) {
            Client c = new Client(i, options.books(), new FailoverClient(cluster.config(), i - 1), history,
                    options.seed() + i);
            clients.add(c);
            threads.add(daemon(c, "chaos-client-" + i));
        }
        long until = TimeUnit.SECONDS.toNanos(options.seconds());
        try {
            nemesis.run(until);
            TimeUnit.NANOSECONDS.sleep(Math.max(0, until - history.now()));
        } finally {
            healForGood(nemesis);
        }
        Check recovered = settle(clients, threads);
        long endNs = history.now();
        threads.forEach(Thread::interrupt);
        Verdict verdict;
        List<HistoryRecord> records = List.of();
        if (recovered.ok()) {
            records = new FailoverClient(cluster.config(), 0).history(System.nanoTime() + SETTLE.toNanos());
            verdict = Verdict.of(options.seed(), new Verdict.Evidence(history.operations(), nemesis.faults(),
                    watcher.samples(), endNs, records, libraries()), List.of(recovered));
        } else {
            verdict = Verdict.failed(options.seed(), recovered);
        }
        Report.write(options.report(), history.operations(), nemesis.faults(), records, verdict);
        if (!verdict.ok()) {
            copy(logs(), options.report().resolve("logs"));
        }
        return verdict;
    }

    /** Heals, and heals again the nodes that did not take it (a node slow to answer on a loaded machine). */
    private static void healForGood(Nemesis nemesis) throws IOException, InterruptedException {
        nemesis.heal();
        for (int i = 0; i < HEAL_TRIES && !nemesis.healed(); i++) {
            Thread.sleep(HEAL_PAUSE_MS);
            nemesis.heal();
        }
    }

    /** Waits for the healed cluster to agree, then lets each client finish its operation under way and stop. */
    private Check settle(List<Client> clients, List<Thread> threads) throws InterruptedException {
        String agreed;
        try {
            int coordinator = cluster.awaitAgreement(cluster.config().ids(), SETTLE);
            agreed = "after the faults were healed, the nodes agreed on coordinator " + coordinator;
        } catch (IllegalStateException e) {
            return Check.of(RECOVERED, "", List.of(e.getMessage()));
        }
        clients.forEach(Client::stop);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * Client.PATIENCE_MS);
        List<String> stuck = new ArrayList<>();
        for (Thread t : threads.subList(2, threads.size())) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                stuck.add(t.getName() + " did not finish its last operation within " + 2 * Client.PATIENCE_MS + " ms");
            }
        }
        return Check.of(RECOVERED, agreed + " and every client finished", stuck);
    }

    /** The library as each node reports it. */
    private Map<Integer, List<Book>> libraries() throws IOException {
        Map<Integer, List<Book>> libraries = new TreeMap<>();
        for (int id : cluster.config().ids()) {
            try {
                libraries.put(id, cluster.admin(id).books());
            } catch (Exception e) {
                throw new IOException("node " + id + " did not report its library after the run: " + Throwables.oneLine(e), e);
            }
        }
        return libraries;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The nodes' logs ({@code node-<id>.log}, and whatever else the nodes write there). */
    public Path logs() {
        return dir.resolve("logs");
    }

    /** Stops the nodes (and the database) and deletes the folder. */
    @Override
    public void close() {
        cluster.close();
        closeQuietly(database);
        delete(dir);
    }

    private static void closeQuietly(ChaosDatabase database) {
        if (database == null) {
            return;
        }
        try {
            database.close();
        } catch (StoreException e) {
            System.err.println("chaos: " + e.getMessage());
        }
    }

    /** The nodes' logs into the report of a failed run, for whoever looks into it. */
    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is no reason to fail a run
        }
    }
}
