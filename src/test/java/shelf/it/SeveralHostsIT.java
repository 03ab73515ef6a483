package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.api.LibraryService;
import shelf.api.NodeStatus;
import shelf.check.InvariantChecker;
import shelf.cluster.LocalCluster;
import shelf.config.NodeAddress;
import shelf.election.Role;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.library.SampleCatalog;
import shelf.rmi.Credentials;
import shelf.rmi.TimeoutClientSocketFactory;
import shelf.store.Database;
import shelf.store.EmbeddedDatabase;
import shelf.store.PostgresLibrary;
import shelf.tls.Identity;
import shelf.tls.TlsFiles;

/**
 * The multi-host rehearsal (issue 16): five nodes, each in its own working folder with only its own nodes.properties and
 * TLS key (no shared resources/), each on its own loopback address 127.0.0.11-15, one PostgreSQL. Election, contention on
 * one book, kill -9 of the coordinator and of a lock holder mid-write; afterwards every acknowledged operation is in the
 * history once and no book was lent twice.
 */
class SeveralHostsIT {
    private static final int NODES = 5;

    /**
     * One run, two parts (the cluster's start is the slow part): hosts killed, then the database stopped under load.
     * While PostgreSQL is down a client gets exit 3 with a clear message (not a hang) and the nodes still elect a new
     * coordinator; once it is back, service resumes by itself. Afterwards nothing acknowledged is lost, nothing is applied
     * twice, no book was lent twice.
     */
    @Test
    void fiveHostsShareOnePostgresqlAndSurviveKilledHostsAndAStoppedDatabase(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgresql");
        EmbeddedDatabase[] pg = {EmbeddedDatabase.start(data, 0)};
        try (Hosts hosts = new Hosts(dir, pg[0])) {
            hosts.startAll();
            int coordinator = hosts.agree();
            assertEquals(NODES, coordinator, "Bully: the highest id wins");
            assertEquals(1, contention(hosts), "exactly one of ten clients on five hosts borrows book 7");

            Load load = new Load(hosts);
            String killed = killCoordinatorAndHolder(hosts, coordinator);
            int ackedAfterKills = load.acked.size();
            String outage = stopTheDatabase(hosts, load, pg, data);
            load.stop();

            Map<String, List<Book>> states = new TreeMap<>();
            for (int id : hosts.ids()) {
                states.put("node " + id, hosts.library(id).list());
            }
            var history = hosts.library(1).history(null);
            List<String> violations = InvariantChecker.check(history, load.acked, SampleCatalog.books(10), states);
            String context = "killed " + killed + ": " + ackedAfterKills + " acknowledged; " + outage + "; in all "
                    + load.acked.size() + " acknowledged, " + load.unavailable.get() + " unavailable, " + history.size()
                    + " history records";
            assertEquals(List.of(), violations, context);
            assertTrue(ackedAfterKills > 20, context);
            System.out.println("several hosts: " + context);
        } finally {
            pg[0].close();
        }
    }

    /** kill -9 of the coordinator, then of a node holding the lock (writing), then both started again. */
    private static String killCoordinatorAndHolder(Hosts hosts, int coordinator) throws Exception {
        Thread.sleep(1_500);
        hosts.kill(coordinator);
        Thread.sleep(2_000);
        int holder = hosts.holder().orElse(1);
        hosts.kill(holder);
        Thread.sleep(2_000);
        hosts.start(coordinator);
        if (holder != coordinator) {
            hosts.start(holder);
        }
        hosts.agree();
        Thread.sleep(1_000);
        return "coordinator " + coordinator + ", holder " + holder;
    }

    /** PostgreSQL stopped under load; a client's exit code meanwhile; the coordinator killed; PostgreSQL started again. */
    private static String stopTheDatabase(Hosts hosts, Load load, EmbeddedDatabase[] pg, Path data) throws Exception {
        int port = pg[0].port();
        pg[0].close();
        int ackedAtStop = load.acked.size();
        long start = System.nanoTime();
        ClusterFixture.Run client = ClusterFixture.exec(hosts.operator, List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                LocalCluster.currentJar().toString(), "RmiClient", "-u", "carol", "-n", "1", "borrow", "9"));
        long clientMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(3, client.code(), client.out() + client.err());
        int coordinator = hosts.cluster.awaitAgreement(hosts.ids(), Duration.ofSeconds(60));
        hosts.kill(coordinator);
        List<Integer> rest = hosts.ids().stream().filter(id -> id != coordinator).toList();
        int next = hosts.cluster.awaitAgreement(rest, Duration.ofSeconds(60));
        int ackedWhileDown = load.acked.size() - ackedAtStop;
        pg[0] = EmbeddedDatabase.start(data, port);
        int ackedAtRestart = load.acked.size();
        long back = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> load.acked.size() > ackedAtRestart + 10);
        long resumedMs = (System.nanoTime() - back) / 1_000_000;
        hosts.start(coordinator);
        hosts.agree();
        return "database stopped: client exit " + client.code() + " after " + clientMs + " ms (" + client.err().strip()
                + "), coordinator " + coordinator + " killed meanwhile and node " + next + " elected, " + ackedWhileDown
                + " acknowledged while down; 10 more acknowledged " + resumedMs + " ms after the database was back";
    }

    private static long contention(Hosts hosts) {
        List<CompletableFuture<Boolean>> runs = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            int node = 1 + c % NODES;
            Command borrow = new Command(UUID.randomUUID().toString(), Op.BORROW, 7, "reader" + c);
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return hosts.library(node).execute(borrow).ok();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        return runs.stream().map(CompletableFuture::join).filter(ok -> ok).count();
    }

    /** Six clients through random live hosts, until stopped. */
    private static final class Load {
        final List<String> acked = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger unavailable = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService clients = Executors.newFixedThreadPool(6);

        Load(Hosts hosts) {
            for (int c = 0; c < 6; c++) {
                Random r = new Random(c);
                String user = "u" + c;
                clients.execute(() -> {
                    while (running.get()) {
                        Command cmd = new Command(UUID.randomUUID().toString(), Op.values()[r.nextInt(3)], 1 + r.nextInt(6),
                                user);
                        try {
                            Outcome o = hosts.library(1 + r.nextInt(NODES)).execute(cmd);
                            if (o.ok()) {
                                acked.add(cmd.requestId());
                            }
                        } catch (Exception e) {
                            unavailable.incrementAndGet();
                        }
                    }
                });
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            clients.shutdown();
            assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS));
        }
    }

    /** Five node processes, each in its own folder; observed (status, agreement) as the operator through LocalCluster. */
    private static final class Hosts implements AutoCloseable {
        final LocalCluster cluster;
        final Path operator;
        private final Path dir;
        private final Map<Integer, Process> processes = new TreeMap<>();

        Hosts(Path dir, EmbeddedDatabase pg) throws Exception {
            this.dir = dir;
            TimeoutClientSocketFactory.setTimeouts(1_000, 8_000);
            List<String> lines = new ArrayList<>();
            List<Integer> ports = LocalCluster.freePorts(NODES); // below the range outgoing connections take theirs from
            for (int id = 1; id <= NODES; id++) {
                lines.add("node." + id + "=127.0.0.1" + id + ":" + ports.get(id - 1));
            }
            lines.add("request.timeout.ms=4000"); // the default timings otherwise: five JVMs and PostgreSQL on two cores
            lines.addAll(List.of("store=postgresql", "store.url=" + pg.storeConfig().url(),
                    "store.user=" + pg.storeConfig().user()));
            operator = dir.resolve("operator");
            Files.createDirectories(operator);
            Path config = Files.write(operator.resolve("nodes.properties"), lines);
            PostgresLibrary.create(Database.trusting(pg.storeConfig(), 1_000), SampleCatalog.books(10), List.of());
            LocalCluster.ensureKeys(operator, shelf.config.ClusterConfig.load(config));
            TlsFiles keys = TlsFiles.under(operator.resolve("resources"));
            for (int id = 1; id <= NODES; id++) {
                Path host = dir.resolve("host-" + id);
                TlsFiles own = TlsFiles.under(host.resolve("resources"));
                Files.createDirectories(own.dir());
                Files.copy(config, host.resolve("nodes.properties"));
                Files.copy(keys.caCertificate(), own.caCertificate());
                Files.copy(keys.certificate(Identity.node(id)), own.certificate(Identity.node(id)));
                Files.copy(keys.key(Identity.node(id)), own.key(Identity.node(id)));
            }
            cluster = LocalCluster.open(operator, config, LocalCluster.currentJar(), List.of()); // the operator's admin key
        }

        List<Integer> ids() {
            return List.copyOf(cluster.config().ids());
        }

        void startAll() throws IOException {
            for (int id : ids()) {
                start(id);
            }
        }

        void start(int id) throws IOException {
            Path host = dir.resolve("host-" + id);
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", LocalCluster.currentJar().toString(), "RmiNode",
                    String.valueOf(id));
            processes.put(id, new ProcessBuilder(command).directory(host.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(host.resolve("node.out").toFile())).start());
        }

        /** Waits for every host to follow one coordinator; the hosts' output in the failure. */
        int agree() throws IOException, InterruptedException {
            try {
                return cluster.awaitAgreement(ids(), Duration.ofSeconds(60));
            } catch (IllegalStateException e) {
                StringBuilder out = new StringBuilder(e.getMessage());
                for (int id : ids()) {
                    Path log = dir.resolve("host-" + id).resolve("logs").resolve("node-" + id + ".log");
                    List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("host-" + id).resolve("node.out")));
                    lines.addAll(Files.exists(log) ? Files.readAllLines(log) : List.of());
                    out.append("\nhost ").append(id).append(":\n  ")
                            .append(String.join("\n  ", lines.subList(Math.max(0, lines.size() - 8), lines.size())));
                }
                throw new AssertionError(out.toString(), e);
            }
        }

        void kill(int id) throws InterruptedException {
            processes.get(id).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        /** A node that holds the cluster lock now (it is writing), if any answers so. */
        Optional<Integer> holder() {
            for (int id : ids()) {
                Optional<NodeStatus> s = cluster.status(id);
                if (s.isPresent() && s.get().heldToken() != null && s.get().role() != Role.COORDINATOR) {
                    return Optional.of(id);
                }
            }
            return Optional.empty();
        }

        LibraryService library(int id) throws Exception {
            NodeAddress a = cluster.config().node(id).orElseThrow();
            return (LibraryService) LocateRegistry.getRegistry(a.host(), a.port(), Credentials.sockets())
                    .lookup(LibraryService.NAME);
        }

        @Override
        public void close() {
            processes.values().forEach(Process::destroyForcibly);
            for (Process p : processes.values()) {
                p.onExit().join();
            }
            cluster.close();
        }
    }
}
