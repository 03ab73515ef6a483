package shelf.lock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.config.Timings;
import shelf.fencing.FencingToken;
import shelf.protocol.Message.LeaseRenewal;
import shelf.protocol.Message.LockGrant;
import shelf.protocol.Message.LockRelease;
import shelf.protocol.Message.LockRequest;
import shelf.protocol.Message.LockStateQuery;
import shelf.protocol.Message.LockStateReport;
import shelf.protocol.LogLimiter;
import shelf.protocol.Scheduler;
import shelf.protocol.Transport;

/**
 * A node's side of the cluster mutex: asks the coordinator for it, takes the grant, renews its lease, releases it.
 * At most one request is outstanding. Every rule of the requester's side lives in this file, named in a comment at
 * the branch that implements it; the coordinator's side is {@link LockServer}.
 *
 * <p>Called by {@code NodeCore} on the protocol thread only: its typed handlers ({@link #onGrant},
 * {@link #onStateQuery}, {@link #onRequestUndeliverable}), the election's outcome and the node's tick; and by the
 * node's write pipeline ({@link #acquire}, {@link #release}, {@link #abandon}), also on the protocol thread.
 *
 * <p>The coordinator may be this node itself: its requests then go through the same messages
 * (delivered locally), so the coordinator's own writes take the lock like anyone's.
 *
 * <p>The holder keeps its own lease clock, as Chubby's clients do: it counts the lease from a moment no later than the
 * coordinator's (the sending of the request a grant answers, or of the last renewal), so its lease ends first. A holder
 * that finds its lease run out (it was paused, or starved of CPU, and sent no renewal) stops holding at once, logs
 * "lease lost", and tells its {@link Listener}; the coordinator has revoked the grant, or is about to.
 */
public final class LockClient {
    private static final Logger log = LoggerFactory.getLogger(LockClient.class);
    private static final long RESEND_AFTER_MS_FACTOR = 2;
    /** Refused grants logged per second at most (a forger may send thousands); the rest are counted in the next line. */
    private static final int REFUSALS_LOGGED_PER_SECOND = 5;

    private final int self;
    private final String me;
    private final Scheduler scheduler;
    private final Transport out;
    private final Listener listener;
    private final long leaseMs;
    /** How long a grant may have travelled, at most as far as this node assumes: one heartbeat interval. */
    private final long travelMs;

    private int coordinator = -1;
    private long epoch;
    private long nextRequestId;
    private long waitingRequestId;
    private long requestedAt;
    private long sentAt;
    private FencingToken held;
    private long heldRequestId;
    private long heldFrom;
    /** When the held lease began by this node's clock: the coordinator's began no earlier. */
    private long leaseFrom;
    /** The held lease's length: the grant's first lease, then, from the first renewal, {@link #renewedLeaseMs}. */
    private long heldLeaseMs;
    /** What a renewal extends the held lease to: the coordinator's full lease (the grant says), at most this node's. */
    private long renewedLeaseMs;
    private long resendAfterMs;
    private final LogLimiter refusalLog = new LogLimiter(REFUSALS_LOGGED_PER_SECOND, 1_000);
    private final LogLimiter cycleLog = LogLimiter.busy(); // asking, granted, releasing: one budget for the cycle's lines

    /** What the node does with the mutex; called on the protocol thread. */
    public interface Listener {
        /** The mutex is granted with {@code token}; the node must later {@link #release} it. */
        void granted(FencingToken token);

        /** The lease of {@code token} ran out by this node's clock: the node no longer holds the mutex. */
        void leaseLost(FencingToken token, String why);
    }

    /**
     * @param firstRequestId a number no earlier incarnation of this node used (the wiring derives it from the clock)
     * @param timings        the resend interval (twice the failure timeout), the lease, the heartbeat interval
     */
    public LockClient(int self, Scheduler scheduler, Transport out, long firstRequestId, Timings timings, Listener listener) {
        this.self = self;
        this.me = "node " + self;
        this.scheduler = scheduler;
        this.out = out;
        this.nextRequestId = firstRequestId;
        this.resendAfterMs = timings.failureTimeoutMs() * RESEND_AFTER_MS_FACTOR;
        this.leaseMs = timings.leaseMs();
        this.travelMs = timings.heartbeatIntervalMs();
        this.listener = listener;
    }

    /** Asks for the mutex unless it is held or already asked for. */
    public void acquire() {
        if (held != null || waitingRequestId != 0) {
            return;
        }
        waitingRequestId = ++nextRequestId;
        requestedAt = scheduler.now();
        sendRequest();
    }

    private void sendRequest() {
        sentAt = scheduler.now();
        if (coordinator < 0) {
            log.info("{}: lock request {} waits for a coordinator", me, waitingRequestId);
            return;
        }
        if (cycleLog.admit(scheduler.now())) {
            log.info("{}: asking coordinator {} for the lock (request {}){}", me, coordinator, waitingRequestId,
                    cycleLog.suppressedNote());
        }
        out.send(coordinator, new LockRequest(self, epoch, waitingRequestId));
    }

    /**
     * Called by the node's tick, every heartbeat interval: renews the lease of the mutex this node holds, and
     * re-sends a request unanswered for the resend interval. A tick rather than a timer per request: a timer per
     * request meant a wake-up of the protocol thread per grant, to do nothing.
     */
    public void tick() {
        long now = scheduler.now();
        checkLease();
        if (held != null && coordinator >= 0) {
            // Lock rule: a holder renews its lease every heartbeat interval, with the grant's token, at the coordinator
            // it follows (itself when coordinator, delivered locally like its requests). The coordinator receives it
            // after it is sent, so the lease counted from now ends no later than the coordinator's.
            out.send(coordinator, new LeaseRenewal(self, epoch, held));
            leaseFrom = now;
            heldLeaseMs = renewedLeaseMs;
        }
        if (waitingRequestId != 0 && scheduler.now() - sentAt >= resendAfterMs) {
            // Lock rule: an unanswered request is sent again, in case it or its grant was lost (the server de-duplicates).
            sendRequest();
        }
    }

    /**
     * The transport could not deliver request {@code r}. If it is still unanswered it is sent again at the next tick
     * rather than after the whole resend interval (a coordinator's RMI calls can time out while a restarted peer's JVM
     * hogs the cores).
     */
    public void onRequestUndeliverable(LockRequest r) {
        if (r.requestId() == waitingRequestId) {
            sentAt = scheduler.now() - resendAfterMs;
        }
    }

    /** Gives the mutex back. Does nothing if it is not held. */
    public void release() {
        if (held == null) {
            return;
        }
        if (cycleLog.admit(scheduler.now())) {
            log.info("{}: releasing lock (token {}) after {} ms{}", me, held, scheduler.now() - heldFrom,
                    cycleLog.suppressedNote());
        }
        if (coordinator >= 0) {
            out.send(coordinator, new LockRelease(self, epoch, held));
        }
        held = null;
        heldRequestId = 0;
    }

    /**
     * Lock rule (holder's lease clock): a lease not renewed for its length has lapsed at the coordinator too, or is about
     * to: the holder stops holding, gives the token back (ignored if already revoked), and tells the node.
     */
    private void leaseLost(long now) {
        FencingToken lost = held;
        String why = "token " + lost + " not renewed for " + (now - leaseFrom) + " ms, lease " + heldLeaseMs
                + " ms: the process was paused or starved";
        log.warn("{}: lease lost: {}", me, why);
        if (coordinator >= 0) {
            out.send(coordinator, new LockRelease(self, epoch, lost));
        }
        held = null;
        heldRequestId = 0;
        listener.leaseLost(lost, why);
    }

    /**
     * Checks the held lease by this node's clock: one that ran out is lost now ({@link Listener#leaseLost}). For the tick,
     * and for the node before it reports a hold complete (a resumed process may run that timer before its tick).
     *
     * @return true when this node holds the mutex under a live lease
     */
    public boolean checkLease() {
        long now = scheduler.now();
        if (held != null && now - leaseFrom >= heldLeaseMs) {
            leaseLost(now);
        }
        return held != null;
    }

    /** The holder lost the right to write (its write was fenced off): forget the grant without writing. */
    public void abandon(String why) {
        if (held != null) {
            log.info("{}: giving up lock token {}: {}", me, held, why);
            release();
        }
    }

    /** LOCK_STATE_QUERY from a new coordinator, recovering the lock table. */
    public void onStateQuery(LockStateQuery q) {
        if (held != null && q.leaseMs() > 0) {
            // Lock rule (recovery): a holder that keeps the mutex under a new coordinator renews to that one's lease if
            // it is shorter (it never lengthens the lease it counts).
            renewedLeaseMs = Math.min(renewedLeaseMs, q.leaseMs());
        }
        // Lock rule (recovery): every node tells a new coordinator what it holds and what it waits for.
        out.send(q.from(), new LockStateReport(self, q.epoch(), held, heldRequestId, waitingRequestId));
    }

    /** LOCK_GRANT from the coordinator. */
    public void onGrant(LockGrant g) {
        if (g.from() == coordinator && g.epoch() == epoch) {
            if (answersOutstandingRequest(g)) {
                take(g);
                return;
            }
            if (held != null && held.equals(g.token())) {
                // Lock rule: the same grant again (a re-sent request granted twice), or a new coordinator confirming the
                // older token this node reported holding in its recovery: already held, nothing to do.
                return;
            }
        }
        refuse(g);
    }

    /**
     * Lock rule: a grant is taken only from the coordinator this node follows, for that coordinator's epoch, for the
     * request outstanding (the id this node sent), with a token of that epoch: a buggy or restarted peer is a liar too.
     */
    private boolean answersOutstandingRequest(LockGrant g) {
        return held == null && waitingRequestId != 0 && g.requestId() == waitingRequestId && g.token() != null
                && g.token().epoch() == epoch;
    }

    /**
     * Lock rule: a grant this node does not take is released at once to its sender (an older coordinator, or one this
     * node does not follow yet), so the lock does not sit idle for a lease; never the token this node holds, which would
     * free the lock under its feet.
     */
    private void refuse(LockGrant g) {
        boolean release = g.token() != null && !g.token().equals(held);
        if (refusalLog.admit(scheduler.now())) {
            log.info("{}: grant with token {} from node {} (epoch {}, request {}) refused: {}{}{}", me, g.token(), g.from(),
                    g.epoch(), g.requestId(), whyRefused(g), release ? "; releasing it" : "", refusalLog.suppressedNote());
        }
        if (release) {
            out.send(g.from(), new LockRelease(self, g.epoch(), g.token()));
        }
    }

    private String whyRefused(LockGrant g) {
        if (g.from() != coordinator) {
            return coordinator < 0 ? "this node follows no coordinator" : "this node follows node " + coordinator;
        }
        if (g.epoch() != epoch) {
            return "epoch " + g.epoch() + " is not the current " + epoch;
        }
        if (held != null) {
            return "this node holds token " + held;
        }
        if (waitingRequestId == 0 || g.requestId() != waitingRequestId) {
            return waitingRequestId == 0 ? "no request outstanding" : "the request outstanding is " + waitingRequestId;
        }
        return "token " + g.token() + " is not of epoch " + epoch;
    }

    private void take(LockGrant g) {
        held = g.token();
        heldRequestId = g.requestId();
        heldFrom = scheduler.now();
        // The holder's lease clock starts when it sent the request this grant answers; a request that waited in the
        // queue was granted later, at most one heartbeat interval (the travel this node assumes) before it arrived.
        leaseFrom = Math.max(sentAt, heldFrom - travelMs);
        // Lock rule: the first lease is the grant's (shorter than the full lease: LockServer.firstLeaseMs), never longer
        // than this node's configured lease.
        heldLeaseMs = Math.max(0, Math.min(g.leaseMs(), leaseMs));
        // Lock rule: a renewal extends the lease to the coordinator's full lease, never longer than this node's: a node
        // started with a longer lease.ms (a file edited, nodes restarted one by one) must not outlast the coordinator's.
        renewedLeaseMs = Math.max(0, Math.min(g.renewedLeaseMs(), leaseMs));
        waitingRequestId = 0;
        if (cycleLog.admit(scheduler.now())) {
            log.info("{}: lock granted, token {}, after {} ms{}", me, held, heldFrom - requestedAt, cycleLog.suppressedNote());
        }
        listener.granted(held);
    }

    /** The election settled on a coordinator (or lost it: -1). Outstanding requests go to the new one. */
    public void coordinatorChanged(int newCoordinator, long newEpoch) {
        coordinator = newCoordinator;
        epoch = newEpoch;
        if (waitingRequestId != 0 && newCoordinator >= 0) {
            // Lock rule: an outstanding request goes again to the new coordinator (which recovers it or queues it).
            sendRequest();
        }
    }

    /** The token of the mutex this node holds, or null. */
    public FencingToken held() {
        return held;
    }
}
