package shelf.api;

import java.rmi.Remote;
import java.rmi.RemoteException;
import java.util.List;
import shelf.library.Book;
import shelf.lock.LockTable;

/**
 * What operators call, from jshell ({@code shelf.admin.Admin.connect(4)}) or the admin CLI.
 * Called on RMI threads; every method answers within the node's RPC timeout or throws.
 */
public interface AdminService extends Remote {
    String NAME = "AdminService";

    /** This node's role, coordinator, epoch, live peers, lock state and counters. */
    NodeStatus status() throws RemoteException;

    /**
     * Pings another node from this one: a one-line answer with the round-trip time, or why it failed.
     *
     * @throws IllegalArgumentException for an id that is not configured, or this node's own id
     */
    String ping(int nodeId) throws RemoteException;

    /** Starts a Bully election on this node now (does nothing if one is under way). */
    String startElection() throws RemoteException;

    /** Ends this node's process abruptly, like a crash (the seed's "disconnect"). Answers before it dies. */
    String crash() throws RemoteException;

    /** The library as this node reads it. */
    List<Book> books() throws RemoteException, UnavailableException;

    /** The lock server's table (meaningful on the coordinator). */
    LockTable lockTable() throws RemoteException;

    /**
     * Takes the cluster lock from this node, holds it for {@code millis} without writing, releases it,
     * and answers then, with the token. Lets an operator watch the queue, leases and revocations.
     *
     * @throws UnavailableException when no grant came within the node's request timeout (the wish stays queued)
     */
    String holdLock(long millis) throws RemoteException, UnavailableException;

    /**
     * Ends this node's operator holds ({@link #holdLock}) now: a running one releases the lock, one still waiting for
     * its grant is withdrawn, and each {@code holdLock} call answers that it was ended early. For an operator whose
     * hold is no longer wanted ({@code admin end-hold}; {@code admin hold} calls it when interrupted with Ctrl-C).
     */
    String endHold() throws RemoteException;

    /**
     * Repairs the library's fence ({@code admin fence-repair}): when the library has accepted a token above every token
     * this node's term can grant (a forged or absurd one, say {@code MAX:MAX}), every write is refused; this sets the
     * fence to the start of the term ({@code epoch:0}) with a FENCE record in the history naming the operator, so the
     * term's grants write again and every older term's stay fenced off. Answers with what it did.
     *
     * @throws IllegalArgumentException when the fence is not ahead of the term: nothing to repair, nothing written
     * @throws UnavailableException     when this node is in no term yet, or the library cannot be written
     */
    String repairFence() throws RemoteException, UnavailableException;

    /**
     * Runs {@code cycles} acquire/release cycles of the cluster lock from this node, back to back (the
     * protocol thread asks again the moment a cycle ends, as it does for the node's own writes), and returns
     * each cycle's latency from asking to releasing in nanoseconds, measured on this node. For
     * {@code bench lock}, which asks for a long run in calls of at most {@link #MAX_CYCLES}.
     *
     * @throws UnavailableException when a cycle got no grant within the node's request timeout, or the cycles did not
     *                              finish within the request timeout plus {@link #MS_PER_CYCLE} ms a cycle
     */
    int MAX_CYCLES = 10_000;

    /** What a call of {@link #lockCycles} may take a cycle, beyond the request timeout: 10 ms (100 cycles/s). */
    long MS_PER_CYCLE = 10;

    long[] lockCycles(int cycles) throws RemoteException, UnavailableException;

    /** The network faults injected into this node's transport ({@link Faults#NONE} when healthy). */
    Faults faults() throws RemoteException;

    /**
     * Replaces this node's network faults with {@code faults} ({@link Faults#NONE} heals it), logged as one WARN line.
     * Not persisted: a restarted node starts healthy. Its own id in {@code faults.blocked()} is refused.
     *
     * @return the faults in force before
     * @throws IllegalArgumentException for a blocked id that is not a peer of this node's configuration
     */
    Faults setFaults(Faults faults) throws RemoteException;

    /**
     * Makes this node's writes to the library fail, as a failing disk would, until cleared: {@code write} fails each
     * append before anything is written (nothing applied, the client hears an error), {@code fsync} fails each fsync
     * after the append (the client hears an error; the change may have been applied), {@code none} clears it. Only the
     * file store ({@code store=file}) takes {@code write} and {@code fsync}; with PostgreSQL stop the database instead.
     * Logged as one WARN line; not persisted.
     *
     * @return a one-line answer saying what is now in force
     * @throws IllegalArgumentException for another kind, or {@code write}/{@code fsync} on a store that cannot take it
     */
    String injectStoreFault(String kind) throws RemoteException;
}
