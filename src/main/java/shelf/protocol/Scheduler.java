package shelf.protocol;

/**
 * A node's protocol "thread" and its clock. Everything submitted runs one task at a time, in the order
 * submitted, each task seeing everything the earlier ones did, so protocol state needs no locks. Real
 * nodes run the tasks on whichever thread submits them while the protocol is idle ({@code SerialScheduler});
 * the simulation runs every node on one thread in virtual time.
 */
public interface Scheduler {
    /** Milliseconds on this node's clock (monotonic in the real implementation). */
    long now();

    /** Runs a task after those already queued: now, on the calling thread, if none is running. */
    void execute(Runnable task);

    /** Runs a task after a delay. Tasks re-check state when they fire; there is no cancel. */
    void schedule(long delayMs, Runnable task);

    /**
     * Whether the calling thread is running one of this scheduler's tasks right now, so that it may touch protocol
     * state directly instead of queueing a task. False unless the implementation can tell.
     */
    default boolean inTask() {
        return false;
    }
}
