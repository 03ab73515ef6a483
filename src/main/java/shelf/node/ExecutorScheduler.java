package shelf.node;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.protocol.Scheduler;

/**
 * The real protocol thread: one single-threaded scheduled executor and the monotonic clock.
 * A task that throws is logged and does not kill the thread or its periodic successors.
 */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExecutorScheduler.class);

    private final String me;
    private final ScheduledExecutorService executor;
    private final long origin = System.nanoTime();

    public ExecutorScheduler(int nodeId) {
        this.me = "node " + nodeId;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "node-" + nodeId + "-protocol");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin);
    }

    @Override
    public void execute(Runnable task) {
        if (!executor.isShutdown()) {
            executor.execute(() -> guarded(task));
        }
    }

    @Override
    public void schedule(long delayMs, Runnable task) {
        if (!executor.isShutdown()) {
            executor.schedule(() -> guarded(task), delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            log.error("{}: protocol task failed; the node goes on", me, t);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
