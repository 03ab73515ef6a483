package shelf.chaos;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import shelf.cluster.LocalCluster;

/**
 * Breaks the cluster on a schedule drawn from the seed: a quiet spell, then one fault, held a while and healed, again
 * and again until the run's time is up. The seed fixes the kinds, their order, the spells and whether each fault aims
 * at the coordinator or at a node drawn at random; which node is coordinator at that moment is the run's.
 *
 * <p>Runs on the thread that owns the cluster's processes (LocalCluster is not thread-safe); the progress line reads
 * {@link #inForce()} from another.
 */
final class Nemesis {
    /** A quiet spell between two faults: at least this, */
    private static final long QUIET_MIN_MS = 1_000;
    /** plus up to this. */
    private static final long QUIET_SPREAD_MS = 2_000;
    /** A fault is held at least this, */
    private static final long HOLD_MIN_MS = 2_000;
    /** plus up to this. */
    private static final long HOLD_SPREAD_MS = 4_000;

    private final LocalCluster cluster;
    private final History clock;
    private final Watcher watcher;
    private final List<FaultKind> kinds;
    private final Random random;
    private final List<Fault> faults = new ArrayList<>();
    private final Set<Integer> down = new TreeSet<>();
    private final Set<Integer> paused = new TreeSet<>();
    private volatile String inForce = "none";

    Nemesis(LocalCluster cluster, History clock, Watcher watcher, List<FaultKind> kinds, long seed) {
        this.cluster = cluster;
        this.clock = clock;
        this.watcher = watcher;
        this.kinds = List.copyOf(kinds);
        this.random = new Random(seed);
    }

    /** Injects faults until {@code untilNs} (the run's clock), each healed before the next; leaves the cluster healed. */
    void run(long untilNs) throws IOException, InterruptedException {
        while (true) {
            Thread.sleep(QUIET_MIN_MS + random.nextInt((int) QUIET_SPREAD_MS));
            FaultKind kind = kinds.get(random.nextInt(kinds.size()));
            long hold = HOLD_MIN_MS + random.nextInt((int) HOLD_SPREAD_MS);
            boolean atCoordinator = random.nextBoolean();
            int drawn = cluster.config().ids().get(random.nextInt(cluster.config().ids().size()));
            if (clock.now() + TimeUnit.MILLISECONDS.toNanos(hold) > untilNs) {
                return;
            }
            int coordinator = watcher.coordinator();
            int node = atCoordinator && coordinator > 0 ? coordinator : drawn;
            String detail = "node " + node + (node == coordinator ? " (the coordinator)" : "");
            long start = clock.now();
            inForce = kind.label() + " " + detail;
            inject(kind, node);
            Thread.sleep(hold);
            heal();
            faults.add(new Fault(kind, detail, start, clock.now()));
            inForce = "none";
        }
    }

    private void inject(FaultKind kind, int node) throws IOException, InterruptedException {
        switch (kind) {
            case KILL -> {
                cluster.kill(node);
                down.add(node);
            }
            case PAUSE -> {
                cluster.pause(node);
                paused.add(node);
            }
            case RESTART -> cluster.restart(node);
        }
    }

    /** Ends every fault: resumes the paused nodes, starts the dead ones. */
    void heal() throws IOException, InterruptedException {
        for (int id : paused) {
            cluster.resume(id);
        }
        paused.clear();
        for (int id : down) {
            cluster.start(id);
        }
        down.clear();
    }

    /** The fault in force, for the progress line: "pause node 5 (the coordinator)", or "none". */
    String inForce() {
        return inForce;
    }

    List<Fault> faults() {
        return List.copyOf(faults);
    }
}
