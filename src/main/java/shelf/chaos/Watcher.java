package shelf.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import shelf.api.NodeStatus;
import shelf.cluster.LocalCluster;
import shelf.election.Role;
import shelf.lock.LockPhase;

/**
 * Looks at every node's status twice a second, for the availability figures (was a coordinator serving grants?) and
 * for the nemesis (which node is the coordinator now?). Runs on its own thread until interrupted.
 */
final class Watcher implements Runnable {
    private static final long EVERY_MS = 500;
    /** A node that has not answered within this is not serving, as a client would find. */
    private static final long PATIENCE_MS = 1_000;
    private static final ExecutorService ASK = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "chaos-watcher-call");
        t.setDaemon(true);
        return t;
    });

    private final LocalCluster cluster;
    private final History clock;
    private final List<Availability.Sample> samples = new ArrayList<>();
    private volatile int coordinator = -1;

    Watcher(LocalCluster cluster, History clock) {
        this.cluster = cluster;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long at = clock.now();
                int serving = statuses().stream()
                        .filter(s -> s.role() == Role.COORDINATOR && s.lock().phase() == LockPhase.SERVING)
                        .mapToInt(NodeStatus::id).max().orElse(-1);
                coordinator = serving;
                synchronized (this) {
                    samples.add(new Availability.Sample(at, serving > 0));
                }
                Thread.sleep(EVERY_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The status of every node that answers within {@link #PATIENCE_MS}, asked of all at once: a paused node must not
     * hold the watcher up for a whole call's timeout, or it would miss the outage it causes.
     */
    private List<NodeStatus> statuses() throws InterruptedException {
        List<Future<NodeStatus>> asked = new ArrayList<>();
        for (int id : cluster.config().ids()) {
            asked.add(ASK.submit(() -> cluster.status(id).orElse(null)));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
        List<NodeStatus> answers = new ArrayList<>();
        for (Future<NodeStatus> f : asked) {
            try {
                NodeStatus s = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (s != null) {
                    answers.add(s);
                }
            } catch (ExecutionException | TimeoutException e) {
                f.cancel(true); // silent (paused, starting): not serving now
            }
        }
        return answers;
    }

    /** The coordinator serving grants at the last look, or -1. */
    int coordinator() {
        return coordinator;
    }

    synchronized List<Availability.Sample> samples() {
        return List.copyOf(samples);
    }
}
