package shelf.protocol;

/**
 * A node's protocol thread and its clock. Real nodes use one single-threaded executor and the system
 * clock; the simulation uses virtual time. Everything submitted runs on the same thread, one task at
 * a time, so protocol state needs no locks.
 */
public interface Scheduler {
    /** Milliseconds on this node's clock (monotonic in the real implementation). */
    long now();

    /** Runs a task on the protocol thread, after those already queued. */
    void execute(Runnable task);

    /** Runs a task on the protocol thread after a delay. Tasks re-check state when they fire; there is no cancel. */
    void schedule(long delayMs, Runnable task);
}
