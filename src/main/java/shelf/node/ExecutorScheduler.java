package shelf.node;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.protocol.Scheduler;

/**
 * The real protocol "thread": a serial executor with the monotonic clock. Tasks run one at a time, in
 * the order they were submitted, each seeing everything the previous ones did, so protocol state needs
 * no locks. A task that throws is logged and does not stop the ones after it.
 *
 * <p>By default the thread that submits a task to an idle node runs it at once ({@link Mode#CALLER_RUNS}):
 * the RMI thread that received a LOCK_GRANT takes the protocol step itself instead of waking another
 * thread and going back to sleep. On two shared cores each such hand-off costs tens of microseconds, and
 * a lock cycle had six of them. A submitter that finds a task running only queues its own; the runner
 * drains the queue, and after {@value #INLINE_LIMIT} tasks passes the rest to the node's own thread, so no
 * caller is held up for long. Timers always fire on that thread. Tasks never block (remote calls and
 * disk writes have threads of their own), so running one on a caller's thread delays the caller by
 * microseconds.
 *
 * <p>{@link Mode#OWN_THREAD} runs every task on the node's thread, like a single-threaded executor (the
 * in-memory election benchmark uses it, so that each node there is a thread of its own).
 */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExecutorScheduler.class);
    private static final int INLINE_LIMIT = 64;

    /** Where tasks run. */
    public enum Mode {
        /** On the submitting thread when the node is idle, else on whichever thread is running the node's tasks. */
        CALLER_RUNS,
        /** Always on the node's own thread. */
        OWN_THREAD
    }

    private final String me;
    private final Mode mode;
    private final ScheduledExecutorService thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final long origin = System.nanoTime();

    public ExecutorScheduler(int nodeId) {
        this(nodeId, Mode.CALLER_RUNS);
    }

    public ExecutorScheduler(int nodeId, Mode mode) {
        this.me = "node " + nodeId;
        this.mode = mode;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
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
        if (thread.isShutdown()) {
            return;
        }
        tasks.add(task);
        if (mode == Mode.CALLER_RUNS) {
            drain();
        } else {
            handOff();
        }
    }

    @Override
    public void schedule(long delayMs, Runnable task) {
        if (!thread.isShutdown()) {
            thread.schedule(() -> {
                tasks.add(task);
                drain();
            }, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Runs queued tasks on this thread unless another thread is running them; it will see ours. */
    private void drain() {
        while (!tasks.isEmpty() && running.compareAndSet(false, true)) {
            int ran = 0;
            try {
                Runnable task;
                while (ran < INLINE_LIMIT && (task = tasks.poll()) != null) {
                    guarded(task);
                    ran++;
                }
            } finally {
                running.set(false);
            }
            if (ran == INLINE_LIMIT) {
                handOff();
                return;
            }
        }
    }

    private void handOff() {
        try {
            thread.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing: the remaining tasks are dropped, as a shut-down executor would
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
        thread.shutdownNow();
    }
}
