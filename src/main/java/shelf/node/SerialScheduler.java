package shelf.node;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.protocol.Scheduler;

/**
 * The real protocol "thread": tasks run one at a time, in the order they were submitted, on the thread that
 * submits them when the protocol is idle. An RMI thread that receives a lock grant runs the grant's handling
 * itself instead of waking a protocol thread to do it; on these virtual machines a thread wake-up is the
 * dearest thing a lock cycle does (see BENCHMARKS.md), and this saves one per message received.
 *
 * <p>A submitter that finds the protocol busy only queues its task; whoever is running tasks runs it next.
 * A caller runs at most {@link #CALLER_TURN} tasks, so an RMI thread is not held up answering its caller
 * while others keep queueing; the rest is handed to the node's own timer thread, which also runs the
 * delayed tasks. A task that throws is logged and does not stop the tasks after it.
 */
public final class SerialScheduler implements Scheduler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SerialScheduler.class);
    /** Tasks a submitting thread runs before it hands the queue to the timer thread. */
    static final int CALLER_TURN = 32;

    private final String me;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Set while some thread is running tasks: the mutual exclusion between protocol tasks. */
    private final AtomicBoolean running = new AtomicBoolean();
    /** The thread running tasks while {@link #running} is set, for {@link #inTask}. */
    private volatile Thread runner;
    private final ScheduledExecutorService timer;
    private final long origin = System.nanoTime();
    private volatile boolean closed;

    public SerialScheduler(int nodeId) {
        this.me = "node " + nodeId;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
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
        if (closed) {
            return;
        }
        tasks.add(task);
        runQueued(CALLER_TURN);
    }

    /** A task due now (the lock benchmark's zero-length holds) is queued at once, without a timer's wake-up. */
    @Override
    public void schedule(long delayMs, Runnable task) {
        if (delayMs <= 0) {
            execute(task);
        } else if (!closed) {
            try {
                timer.schedule(() -> execute(task), delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closed meanwhile: a stopped node's timers do not fire
            }
        }
    }

    /**
     * Runs queued tasks if no other thread is, at most {@code turn} of them. Re-checks the queue after letting
     * go: a task queued just before that would otherwise wait for the next submitter.
     */
    private void runQueued(int turn) {
        while (!tasks.isEmpty() && running.compareAndSet(false, true)) {
            int ran = 0;
            runner = Thread.currentThread();
            try {
                Runnable next;
                while (ran < turn && (next = tasks.poll()) != null) {
                    guarded(next);
                    ran++;
                }
            } finally {
                runner = null;
                running.set(false);
            }
            if (ran == turn) {
                handOver();
                return;
            }
        }
    }

    @Override
    public boolean inTask() {
        return runner == Thread.currentThread();
    }

    private void handOver() {
        if (!closed && !tasks.isEmpty()) {
            try {
                timer.execute(() -> runQueued(Integer.MAX_VALUE));
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
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
        closed = true;
        timer.shutdownNow();
    }
}
