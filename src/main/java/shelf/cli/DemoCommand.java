package shelf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import shelf.api.AdminService;
import shelf.api.LibraryService;
import shelf.api.NodeStatus;
import shelf.cluster.LocalCluster;
import shelf.events.EventReader;
import shelf.fencing.FencingToken;
import shelf.library.Book;
import shelf.library.HistoryRecord;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.lock.LockTable;
import shelf.rmi.RmiServer;
import shelf.rmi.Stubs;
import shelf.timeline.Selection;
import shelf.util.ExitCodes;
import shelf.util.VersionProvider;

/**
 * {@code shelf demo}: a narrated tour of a fresh five-node cluster in a temporary folder: clients on
 * different nodes, lock contention and the queue, a crashed coordinator and the re-election, a crashed
 * lock holder and its lease revoked, and the library consistent at the end. Leaves no process behind.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "A narrated tour against a fresh five-node cluster in a temporary folder (about half a minute).")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--keep", description = "Keep the temporary folder (its logs/ tell the whole story).")
    boolean keep;

    @Option(names = "--jvm", split = " ", paramLabel = "OPTIONS", defaultValue = LocalCluster.NODE_JVM_OPTIONS,
            description = "JVM options of each node (default: ${DEFAULT-VALUE}).")
    List<String> jvm;

    /** How long a step waits for the coordinator's lock table to show what the step narrates next. */
    private static final long LOCK_WAIT_MS = 20_000;

    private LocalCluster cluster;
    private int step;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("shelf-demo");
        Map<String, String> settings = Map.of("heartbeat.interval.ms", "100", "failure.timeout.ms", "500", "lease.ms", "1500",
                "rpc.timeout.ms", "300");
        cluster = LocalCluster.create(dir, 5, 10, settings, LocalCluster.currentJar(), jvm);
        RmiServer.useClientTimeouts(cluster.config());
        try {
            tour();
            return ExitCodes.OK;
        } finally {
            cluster.close();
            timeline(dir);
            if (keep) {
                say("The cluster's folder is kept: " + dir + " (see logs/).");
            } else {
                delete(dir);
            }
            say("All five node processes are stopped.");
        }
    }

    /**
     * Draws the run's timeline from the nodes' events files: in the kept folder's logs/, or beside the temporary folder,
     * which is deleted. A timeline that cannot be drawn is one line; the demo's outcome stands.
     */
    private static void timeline(Path dir) {
        try {
            Path logs = dir.resolve("logs");
            Path file = Files.createTempFile(dir.getParent(), dir.getFileName() + "-timeline-", ".html");
            String summary = TimelineCommand.draw(logs, EventReader.read(logs), Selection.DEFAULT, file, "html");
            say("The Lamport diagram of this run, " + summary.substring(0, summary.indexOf(" from ")) + " (open it in a"
                    + " browser): " + file);
        } catch (IOException | CliException e) {
            say("No timeline of this run: " + e.getMessage());
        }
    }

    private void tour() throws Exception {
        long started = System.nanoTime();
        cluster.startAll();
        int coordinator = cluster.awaitAgreement(cluster.config().ids(), LocalCluster.AGREEMENT_TIMEOUT);
        step("Start five nodes, each its own JVM on its own port",
                "They ran a Bully election: every node agrees node " + coordinator + " coordinates, epoch "
                        + status(coordinator).epoch() + ", " + ms(started) + " ms after launch.");

        step("Clients on different nodes borrow and return",
                "alice asks node 1 for book 3; bob asks node 2 for the same book; alice returns it through node 4;"
                        + " then bob tries again. Every change goes through the coordinator's lock.");
        show("alice via node 1: borrow 3", execute(1, Op.BORROW, 3, "alice"));
        show("bob via node 2:   borrow 3", execute(2, Op.BORROW, 3, "bob"));
        show("alice via node 4: return 3", execute(4, Op.RETURN, 3, "alice"));
        show("bob via node 2:   borrow 3", execute(2, Op.BORROW, 3, "bob"));

        step("Two nodes contend for the lock",
                "Node 2 takes the cluster lock and holds it for 1.5 s; node 3 asks for it meanwhile and waits in the queue.");
        CompletableFuture<String> hold = async(() -> cluster.admin(2).holdLock(1_500));
        awaitLock(coordinator, t -> t.holder() == 2 || hold.isDone(), "node 2 to hold the lock");
        CompletableFuture<String> waiter = async(() -> cluster.admin(3).holdLock(100));
        awaitLock(coordinator, t -> t.queue().contains(3) || t.holder() == 3 || waiter.isDone(), "node 3 to queue for the lock");
        say("coordinator's lock table: " + cluster.admin(coordinator).lockTable());
        say(hold.join());
        say(waiter.join());

        step("Crash the coordinator (kill -9 node " + coordinator + ")",
                "The others notice at their next heartbeat and elect the highest live node, with a newer epoch.");
        long killed = System.nanoTime();
        cluster.kill(coordinator);
        int next = cluster.awaitAgreement(cluster.liveIds(), LocalCluster.AGREEMENT_TIMEOUT);
        say("node " + next + " coordinates epoch " + status(next).epoch() + "; all four agreed " + ms(killed)
                + " ms after the kill.");
        show("carol via node 1: borrow 5", execute(1, Op.BORROW, 5, "carol"));

        step("Crash a lock holder",
                "Node 2 takes the lock for 10 s and is killed while holding it; node 1 wants the lock too. The coordinator"
                        + " revokes node 2's lease when it lapses and grants node 1.");
        CompletableFuture<String> doomed = async(() -> cluster.admin(2).holdLock(10_000));
        awaitLock(next, t -> t.holder() == 2 || doomed.isDone(), "node 2 to hold the lock");
        long holderKilled = System.nanoTime();
        cluster.kill(2);
        doomed.exceptionally(e -> "");
        show("dave via node 1: borrow 6", execute(1, Op.BORROW, 6, "dave"));
        LockTable table = cluster.admin(next).lockTable();
        say("granted " + ms(holderKilled) + " ms after the holder died; revocations so far: " + table.revocations() + ".");

        step("Restart the crashed nodes",
                "Each rejoins, learns the current epoch, and by the Bully rule the highest takes over again.");
        cluster.start(2);
        cluster.start(coordinator);
        int last = cluster.awaitAgreement(cluster.config().ids(), LocalCluster.AGREEMENT_TIMEOUT);
        say("node " + last + " coordinates epoch " + status(last).epoch() + ".");

        step("Check the library", "Every node reads the same library, and the history's fencing tokens only grow.");
        List<Book> first = library(1).list();
        for (int id = 2; id <= 5; id++) {
            if (!library(id).list().equals(first)) {
                throw new CliException(ExitCodes.REFUSED, "node " + id + " reads a different library");
            }
        }
        List<HistoryRecord> history = library(3).history(null);
        FencingToken previous = FencingToken.NONE;
        for (HistoryRecord r : history) {
            say(r.toString());
            if (r.token().isBelow(previous)) {
                throw new CliException(ExitCodes.REFUSED, "token " + r.token() + " after " + previous);
            }
            previous = r.token();
        }
        first.stream().filter(b -> !b.available()).forEach(b -> say("on loan: " + b));
        say("Consistent: five nodes, one library, " + history.size() + " changes, tokens in order.");
    }

    private interface Io<T> {
        T get() throws Exception;
    }

    private static <T> CompletableFuture<T> async(Io<T> io) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return io.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Waits until coordinator {@code coordinator}'s lock table shows {@code state} (or the call it waits for has already
     * ended): on a busy machine a call can take longer than any fixed pause to reach the coordinator, and the tour must
     * not narrate a crash of a holder that holds nothing yet.
     */
    private void awaitLock(int coordinator, Predicate<LockTable> state, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOCK_WAIT_MS);
        AdminService admin = cluster.admin(coordinator); // one lookup; each poll is then one call
        while (!state.test(admin.lockTable())) {
            if (System.nanoTime() > deadline) {
                throw new CliException(ExitCodes.UNAVAILABLE, "waited " + LOCK_WAIT_MS + " ms for " + what);
            }
            Thread.sleep(20);
        }
    }

    private Outcome execute(int node, Op op, int book, String user) throws Exception {
        return library(node).execute(new shelf.library.Command(UUID.randomUUID().toString(), op, book, user));
    }

    private LibraryService library(int id) throws Exception {
        return Stubs.lookup(cluster.config().require(id), LibraryService.class);
    }

    private NodeStatus status(int id) {
        return cluster.status(id).orElseThrow(() -> new CliException(ExitCodes.UNAVAILABLE, "node " + id + " does not answer"));
    }

    private void step(String title, String narration) {
        System.out.println();
        System.out.println(++step + ". " + title);
        System.out.println("   " + narration);
    }

    private static void say(String line) {
        System.out.println("   " + line);
    }

    private static void show(String what, Outcome o) {
        say(String.format(Locale.US, "%-28s -> %s%s", what, o.ok() ? "" : "refused: ", o.message()));
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
