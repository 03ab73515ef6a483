package shelf.chaos;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import shelf.api.Faults;
import shelf.cluster.LocalCluster;
import shelf.cluster.NetPartition;
import shelf.library.StoreException;
import shelf.util.Throwables;

/**
 * Breaks the cluster on a schedule drawn from the seed: a quiet spell, then one fault, held a while and healed, again
 * and again until the run's time is up. The seed fixes the kinds, their order, the spells, the figures (how many percent
 * dropped, which sides) and whether each fault aims at the coordinator or at a node drawn at random; which node is
 * coordinator at that moment is the run's.
 *
 * <p>Runs on the thread that owns the cluster's processes (LocalCluster is not thread-safe); the progress line reads
 * {@link #inForce()} from another.
 */
final class Nemesis {
    /** A quiet spell between two faults: at least this, */
    private static final long QUIET_MIN_MS = 1_000;
    /** plus up to this. */
    private static final int QUIET_SPREAD_MS = 2_000;
    /** A fault is held at least this, */
    private static final long HOLD_MIN_MS = 2_000;
    /** plus up to this. */
    private static final int HOLD_SPREAD_MS = 4_000;
    /** A real partition's rules are removed this long after its hold at the latest, even if the heal never comes. */
    private static final Duration NET_PARTITION_GRACE = Duration.ofSeconds(60);

    private final LocalCluster cluster;
    private final ChaosDatabase database;
    private final History clock;
    private final Watcher watcher;
    private final List<FaultKind> kinds;
    private final Random random;
    private final List<Fault> faults = new ArrayList<>();
    private final Set<Integer> down = new TreeSet<>();
    private final Set<Integer> paused = new TreeSet<>();
    /** Nodes whose transport or store has faults injected, to heal. */
    private final Set<Integer> network = new TreeSet<>();
    private final Set<Integer> store = new TreeSet<>();
    private volatile String inForce = "none";
    /** The real partition in force, if any. */
    private NetPartition cut;

    /**
     * One fault as drawn from the seed, before it meets the cluster.
     *
     * @param node    the node drawn at random, for a fault that does not aim at the coordinator
     * @param shuffled every node id in a random order, for a partition's sides
     * @param percent for drop: 20 to 60
     * @param delayMs for delay: 50 to 500
     * @param fsync   for store: fail the fsync (else the write)
     */
    private record Draw(FaultKind kind, long holdMs, boolean atCoordinator, int node, List<Integer> shuffled, int cut,
                        int percent, long delayMs, boolean fsync) {
    }

    /**
     * @param database the library's database, whose store fault is its stop; null with the file library, whose store
     *                 fault is a node's failing writes or fsyncs
     */
    Nemesis(LocalCluster cluster, ChaosDatabase database, History clock, Watcher watcher, List<FaultKind> kinds, long seed) {
        this.cluster = cluster;
        this.database = database;
        this.clock = clock;
        this.watcher = watcher;
        this.kinds = List.copyOf(kinds);
        this.random = new Random(seed);
    }

    /** Injects faults until {@code untilNs} (the run's clock), each healed before the next. */
    void run(long untilNs) throws IOException, InterruptedException {
        while (true) {
            Thread.sleep(QUIET_MIN_MS + random.nextInt(QUIET_SPREAD_MS));
            Draw d = draw();
            if (clock.now() + TimeUnit.MILLISECONDS.toNanos(d.holdMs) > untilNs) {
                return;
            }
            long start = clock.now();
            String detail = inject(d);
            inForce = d.kind.label() + " " + detail;
            Thread.sleep(d.holdMs);
            heal();
            faults.add(new Fault(d.kind, detail, start, clock.now()));
            inForce = "none";
        }
    }

    private Draw draw() {
        List<Integer> ids = new ArrayList<>(cluster.config().ids());
        FaultKind kind = kinds.get(random.nextInt(kinds.size()));
        long hold = HOLD_MIN_MS + random.nextInt(HOLD_SPREAD_MS);
        boolean atCoordinator = random.nextBoolean();
        int node = ids.get(random.nextInt(ids.size()));
        java.util.Collections.shuffle(ids, random);
        int cut = 1 + random.nextInt(Math.max(1, ids.size() / 2)); // the smaller side: 1 .. half the nodes
        return new Draw(kind, hold, atCoordinator, node, ids, cut, 20 + random.nextInt(41), 50 + random.nextInt(451),
                random.nextBoolean());
    }

    /** Injects the fault drawn; what it did, for the report ("node 5 (the coordinator)", "1,4 / 2,3,5"). */
    private String inject(Draw d) throws IOException, InterruptedException {
        int coordinator = watcher.coordinator();
        int node = d.atCoordinator && coordinator > 0 ? coordinator : d.node;
        String target = "node " + node + (node == coordinator ? " (the coordinator)" : "");
        switch (d.kind) {
            case KILL -> {
                cluster.kill(node);
                down.add(node);
            }
            case PAUSE -> {
                cluster.pause(node);
                paused.add(node);
            }
            case RESTART -> cluster.restart(node);
            case PARTITION, NETPARTITION -> {
                return partition(d, coordinator);
            }
            case DROP -> {
                return everyNode(Faults.NONE.withDropPercent(d.percent), d.percent + "% of messages on every node");
            }
            case DELAY -> {
                return everyNode(Faults.NONE.withDelayMs(d.delayMs), d.delayMs + " ms on every node's messages");
            }
            case STORE -> {
                return storeFault(d, node, target);
            }
        }
        return target;
    }

    /**
     * A file library's store fault: one node's writes (or fsyncs) fail; a PostgreSQL library's, for every node at once:
     * the database stopped (or, on the draw that picks fsyncs for a file, frozen).
     */
    private String storeFault(Draw d, int node, String target) {
        if (database != null) {
            try {
                return database.stop(d.fsync);
            } catch (StoreException e) {
                return "(the database did not stop: " + Throwables.oneLine(e) + ")";
            }
        }
        String kind = d.fsync ? "fsync" : "write";
        store.add(node);
        return kind + " failures on " + target + admin(node, a -> a.injectStoreFault(kind));
    }

    /** Splits the nodes: the smaller side (with the coordinator when the draw aims at it) cannot reach the other. */
    private String partition(Draw d, int coordinator) throws IOException {
        List<Set<Integer>> sides = sides(d, coordinator);
        if (d.kind == FaultKind.NETPARTITION) {
            return netPartition(d, sides);
        }
        Set<Integer> small = sides.get(0);
        Set<Integer> large = sides.get(1);
        List<Integer> ids = new ArrayList<>(d.shuffled);
        StringBuilder failed = new StringBuilder();
        for (int id : ids) {
            Faults f = Faults.NONE.withBlocked(small.contains(id) ? large : small);
            network.add(id);
            failed.append(admin(id, a -> a.setFaults(f)));
        }
        return join(small) + " / " + join(large) + failed;
    }

    /** The two sides of a partition: the smaller first, with the coordinator when the draw aims at it. */
    private static List<Set<Integer>> sides(Draw d, int coordinator) {
        List<Integer> ids = new ArrayList<>(d.shuffled);
        if (d.atCoordinator && coordinator > 0) {
            ids.remove(Integer.valueOf(coordinator));
            ids.add(0, coordinator);
        }
        return List.of(new TreeSet<>(ids.subList(0, d.cut)), new TreeSet<>(ids.subList(d.cut, ids.size())));
    }

    /** Splits the nodes as {@link #partition} does, with iptables rules: the packets are dropped, the nodes know nothing. */
    private String netPartition(Draw d, List<Set<Integer>> sides) throws IOException {
        Map<Integer, String> hosts = new TreeMap<>();
        cluster.config().nodes().values().forEach(a -> hosts.put(a.id(), a.host()));
        // the rules go with the heal, and by NetPartition's own timer should this run die before it heals
        cut = NetPartition.split(sides, hosts, Duration.ofMillis(d.holdMs).plus(NET_PARTITION_GRACE));
        return join(sides.get(0)) + " / " + join(sides.get(1)) + " (iptables chain " + cut.chain() + ")";
    }

    private String everyNode(Faults f, String what) {
        StringBuilder failed = new StringBuilder();
        for (int id : cluster.config().ids()) {
            network.add(id);
            failed.append(admin(id, a -> a.setFaults(f)));
        }
        return what + failed;
    }

    /** An admin call of one node; "" when it worked, else a note for the report (the run goes on). */
    private String admin(int id, AdminCall call) {
        try {
            call.on(cluster.admin(id));
            return "";
        } catch (Exception e) {
            return " (node " + id + " did not take it: " + Throwables.oneLine(e) + ")";
        }
    }

    private interface AdminCall {
        void on(shelf.api.AdminService admin) throws Exception;
    }

    private static String join(Set<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** Ends every fault: resumes the paused nodes, starts the dead ones, clears injected network and store faults. */
    void heal() throws IOException, InterruptedException {
        if (cut != null) {
            cut.close();
            cut = null;
        }
        for (int id : paused) {
            cluster.resume(id);
        }
        paused.clear();
        for (int id : down) {
            cluster.start(id);
        }
        down.clear();
        // A node that did not take its heal keeps its place in the set, for the next heal.
        network.removeIf(id -> admin(id, a -> a.setFaults(Faults.NONE)).isEmpty());
        store.removeIf(id -> admin(id, a -> a.injectStoreFault("none")).isEmpty());
        if (database != null) {
            try {
                database.resume();
            } catch (StoreException e) {
                System.err.println("chaos: the database did not start again (tried again at the next heal): "
                        + Throwables.oneLine(e));
            }
        }
    }

    /** Whether a heal left faults in force on a node that did not take it. */
    boolean healed() {
        return cut == null && paused.isEmpty() && down.isEmpty() && network.isEmpty() && store.isEmpty()
                && (database == null || database.running());
    }

    /** The fault in force, for the progress line: "pause node 5 (the coordinator)", or "none". */
    String inForce() {
        return inForce;
    }

    List<Fault> faults() {
        return List.copyOf(faults);
    }
}
