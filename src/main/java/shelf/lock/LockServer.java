package shelf.lock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The coordinator's centralized lock server: one cluster-wide mutex, a FIFO queue, leases and fencing tokens. Every
 * rule of the lock server lives in this file, named in a comment at the branch that implements it; the requester's
 * side is {@link LockClient}.
 *
 * <p>Called by {@code NodeCore} on the protocol thread only: one typed handler per message the server owns
 * ({@link #onRequest}, {@link #onRelease}, {@link #onRenewal}, {@link #onReport}) and per undeliverable message it
 * cares about, and the election's outcome ({@link #takeOver}, {@link #stepDown}); its timers run there too.
 * Active only while this node is coordinator. On taking over it
 * first <em>recovers</em>: it asks every node what it holds and awaits, rebuilds the table from the
 * answers (or the failure timeout), and only then grants. Every grant carries a token
 * {@code (epoch, counter)} above all earlier ones; a grant is a lease that the holder renews (LEASE_RENEWAL,
 * every heartbeat interval) and that is revoked when it lapses.
 *
 * <p>A grant's first lease is short, {@link #firstLeaseMs}: the failure timeout less one heartbeat interval (the lease
 * check's period), so that a grant nobody took is revoked within the failure timeout. A grant may travel in the reply to
 * the request's call (a follower's lock cycle is then one round trip), and a reply its caller never reads (it was
 * killed meanwhile) is lost without a word: no "undeliverable" revokes it at once, as a failed callback does. A live
 * holder renews within one heartbeat interval, and from its first renewal on it has the full lease.
 */
public final class LockServer {
    private static final Logger log = LoggerFactory.getLogger(LockServer.class);
    /** Refusals logged per second at most (a forger may send thousands); the rest are counted in the next line. */
    private static final int REFUSALS_LOGGED_PER_SECOND = 5;

    private record Waiter(int node, long requestId) {
    }

    private record Holder(int node, long requestId, FencingToken token, long grantedAt, long leaseUntil) {
        Holder renewedUntil(long until) {
            return new Holder(node, requestId, token, grantedAt, until);
        }
    }

    private final int self;
    private final String me;
    private final List<Integer> allIds;
    private final Timings timings;
    private final Scheduler scheduler;
    private final Transport out;

    private LockPhase phase = LockPhase.INACTIVE;
    private long epoch;
    private long counter;
    private Holder holder;
    private final Deque<Waiter> queue = new ArrayDeque<>();
    private final Set<Integer> awaitingReports = new HashSet<>();
    private final Map<Integer, LockStateReport> reports = new LinkedHashMap<>();
    private long grants;
    private long revocations;
    private long staleReleases;
    private final LogLimiter staleReleaseLog = new LogLimiter(REFUSALS_LOGGED_PER_SECOND, 1_000);
    private final LogLimiter ignoredRequestLog = new LogLimiter(REFUSALS_LOGGED_PER_SECOND, 1_000);
    private final LogLimiter queuedLog = LogLimiter.busy();
    private final LogLimiter releasedLog = LogLimiter.busy();
    private final LogLimiter grantedLog = LogLimiter.busy();

    public LockServer(int self, List<Integer> allIds, Timings timings, Scheduler scheduler, Transport out) {
        this.self = self;
        this.me = "node " + self;
        this.allIds = List.copyOf(allIds);
        this.timings = timings;
        this.scheduler = scheduler;
        this.out = out;
    }

    /**
     * A grant's lease until its holder's first renewal: the failure timeout less one heartbeat interval (the lease is
     * checked every heartbeat interval, so an untaken grant is revoked within the failure timeout), but at least two
     * heartbeat intervals (a live holder renews within one) and at most the lease.
     */
    public static long firstLeaseMs(Timings t) {
        long beforeTheCheck = t.failureTimeoutMs() - t.heartbeatIntervalMs();
        return Math.min(t.leaseMs(), Math.max(beforeTheCheck, 2 * t.heartbeatIntervalMs()));
    }

    /** This node became coordinator of {@code newEpoch}: recover the lock table before granting. */
    public void takeOver(long newEpoch) {
        epoch = newEpoch;
        counter = 0;
        holder = null;
        queue.clear();
        reports.clear();
        awaitingReports.clear();
        awaitingReports.addAll(allIds);
        phase = LockPhase.RECOVERING;
        log.info("{}: lock server recovering for epoch {}: asking {} what they hold and await", me, epoch, allIds);
        for (int id : allIds) {
            out.send(id, new LockStateQuery(self, epoch, timings.leaseMs()));
        }
        long armed = epoch;
        scheduler.schedule(timings.heartbeatIntervalMs(), () -> askAgain(armed));
        scheduler.schedule(timings.failureTimeoutMs(), () -> recoveryTimedOut(armed));
        scheduler.schedule(timings.heartbeatIntervalMs(), () -> checkLease(armed));
    }

    /** This node is no longer coordinator. */
    public void stepDown() {
        if (phase != LockPhase.INACTIVE) {
            log.info("{}: lock server inactive (no longer coordinator of epoch {})", me, epoch);
        }
        phase = LockPhase.INACTIVE;
        holder = null;
        queue.clear();
    }

    /** LOCK_REQUEST from a node (this one included). */
    public void onRequest(LockRequest r) {
        if (phase == LockPhase.INACTIVE || r.epoch() > epoch) {
            if (ignoredRequestLog.admit(scheduler.now())) {
                log.info("{}: lock request {} from node {} ignored: not coordinator of epoch {}{}", me, r.requestId(),
                        r.from(), r.epoch(), ignoredRequestLog.suppressedNote());
            }
            return;
        }
        if (holder != null && holder.node == r.from() && holder.requestId == r.requestId()) {
            // A retried request that was already granted: the grant may have been lost, so send it again, with a first
            // lease from now (the holder counts its own from its retry).
            log.info("{}: lock request {} from node {} was granted already (token {}); granting again", me, r.requestId(),
                    r.from(), holder.token);
            long firstLease = firstLeaseMs(timings);
            holder = holder.renewedUntil(Math.max(holder.leaseUntil, scheduler.now() + firstLease));
            out.send(r.from(), new LockGrant(self, epoch, r.requestId(), holder.token, firstLease, timings.leaseMs()));
            return;
        }
        // Lock rule: requests queue FIFO, one per node: a newer request replaces the node's older one, a re-send is ignored.
        if (!requeue(r)) {
            queue.addLast(new Waiter(r.from(), r.requestId()));
            if (queuedLog.admit(scheduler.now())) {
                log.info("{}: lock request {} from node {} queued at position {}{}", me, r.requestId(), r.from(), queue.size(),
                        queuedLog.suppressedNote());
            }
        } else {
            log.info("{}: lock request {} from node {} is already queued (a re-send)", me, r.requestId(), r.from());
        }
        grantNext();
    }

    /**
     * Drops node {@code r.from()}'s older request from the queue, if any.
     *
     * @return true when this very request is queued already (a re-send)
     */
    private boolean requeue(LockRequest r) {
        var i = queue.iterator();
        while (i.hasNext()) {
            Waiter w = i.next();
            if (w.node == r.from()) {
                if (w.requestId == r.requestId()) {
                    return true;
                }
                i.remove();
            }
        }
        return false;
    }

    /** LOCK_RELEASE from a holder. */
    public void onRelease(LockRelease r) {
        if (holder == null || holder.node != r.from() || !holder.token.equals(r.token())) {
            // Lock rule: a release counts only from the holder of that token (the current grant's): a stale release, or
            // one from another node with the holder's token, changes nothing.
            staleReleases++;
            if (staleReleaseLog.admit(scheduler.now())) {
                log.info("{}: release from node {} with token {} ignored: the current holder is {}{}", me, r.from(),
                        r.token(), holder == null ? "nobody" : "node " + holder.node + " with token " + holder.token,
                        staleReleaseLog.suppressedNote());
            }
            return;
        }
        if (releasedLog.admit(scheduler.now())) {
            log.info("{}: lock released by node {} (token {}), held {} ms{}", me, r.from(), r.token(),
                    scheduler.now() - holder.grantedAt, releasedLog.suppressedNote());
        }
        holder = null;
        grantNext();
    }

    /** LEASE_RENEWAL from a holder, every heartbeat interval. */
    public void onRenewal(LeaseRenewal r) {
        // Lock rule: the holder's renewal with its grant's token, in this coordinator's epoch, extends its lease.
        if (holder != null && r.epoch() == epoch && holder.node == r.from() && holder.token.equals(r.token())) {
            holder = holder.renewedUntil(scheduler.now() + timings.leaseMs());
            log.debug("{}: lease of node {} (token {}) renewed for {} ms", me, r.from(), r.token(), timings.leaseMs());
        }
    }

    /** This server's grant {@code g} could not be delivered to {@code peer}. */
    public void onGrantUndeliverable(int peer, LockGrant g) {
        if (holder != null && holder.token.equals(g.token())) {
            // Lock rule: a grant that cannot be delivered is revoked at once, so a dead waiter does not hold up the queue.
            revoke("grant could not be delivered to node " + peer);
        }
    }

    /** This server's lock-state query could not be delivered to {@code peer}. */
    public void onQueryUndeliverable(int peer) {
        if (phase == LockPhase.RECOVERING && awaitingReports.remove(peer)) {
            // Lock rule: recovery does not wait for a node it cannot reach.
            log.info("{}: node {} unreachable; recovering without its report", me, peer);
            maybeFinishRecovery();
        }
    }

    /** LOCK_STATE_REPORT from a node this server asked while recovering. */
    public void onReport(LockStateReport r) {
        if (phase != LockPhase.RECOVERING || r.epoch() != epoch || !awaitingReports.remove(r.from())) {
            return;
        }
        reports.put(r.from(), r);
        maybeFinishRecovery();
    }

    /** A query or report may be lost: nodes that have not reported are asked again, every heartbeat interval. */
    private void askAgain(long armedEpoch) {
        if (phase != LockPhase.RECOVERING || armedEpoch != epoch) {
            return;
        }
        for (int id : awaitingReports) {
            out.send(id, new LockStateQuery(self, epoch, timings.leaseMs()));
        }
        scheduler.schedule(timings.heartbeatIntervalMs(), () -> askAgain(armedEpoch));
    }

    private void recoveryTimedOut(long armedEpoch) {
        if (phase == LockPhase.RECOVERING && armedEpoch == epoch) {
            log.info("{}: no lock state from {} within {} ms; presumed down", me, awaitingReports, timings.failureTimeoutMs());
            awaitingReports.clear();
            maybeFinishRecovery();
        }
    }

    private void maybeFinishRecovery() {
        if (!awaitingReports.isEmpty()) {
            return;
        }
        // Lock rule (recovery): the holder known to the cluster keeps the mutex under a fresh lease; waiters queue in
        // report order; only then does the server grant.
        LockStateReport held = null;
        for (LockStateReport r : reports.values()) {
            if (r.held() != null && (held == null || held.held().isBelow(r.held()))) {
                held = r;
            }
        }
        if (held != null) {
            long now = scheduler.now();
            holder = new Holder(held.from(), held.heldRequestId(), held.held(), now, now + timings.leaseMs());
        }
        for (LockStateReport r : reports.values()) {
            if (r.waitingRequestId() != 0) {
                queue.addLast(new Waiter(r.from(), r.waitingRequestId()));
            }
        }
        phase = LockPhase.SERVING;
        log.info("{}: lock table recovered for epoch {}: holder {}, queue {}", me, epoch,
                holder == null ? "none" : "node " + holder.node + " (token " + holder.token + ")", queueNodes());
        grantNext();
    }

    private void grantNext() {
        if (phase != LockPhase.SERVING || holder != null || queue.isEmpty()) {
            return;
        }
        // Lock rule: the mutex goes to the first waiter, with a token above every earlier one (this epoch, next counter),
        // under its first lease.
        Waiter next = queue.pollFirst();
        counter++;
        FencingToken token = new FencingToken(epoch, counter);
        long now = scheduler.now();
        long firstLease = firstLeaseMs(timings);
        holder = new Holder(next.node, next.requestId, token, now, now + firstLease);
        grants++;
        if (grantedLog.admit(now)) {
            log.info("{}: lock granted to node {} (request {}), token {}, first lease {} ms, {} waiting{}", me, next.node,
                    next.requestId, token, firstLease, queue.size(), grantedLog.suppressedNote());
        }
        out.send(next.node, new LockGrant(self, epoch, next.requestId, token, firstLease, timings.leaseMs()));
    }

    private void checkLease(long armedEpoch) {
        if (phase == LockPhase.INACTIVE || armedEpoch != epoch) {
            return;
        }
        scheduler.schedule(timings.heartbeatIntervalMs(), () -> checkLease(armedEpoch));
        if (holder != null && scheduler.now() > holder.leaseUntil) {
            // Lock rule: a lease that lapsed without renewal is revoked, and the next waiter granted. A first lease lapses
            // when the holder never took the grant (its reply was lost) or never renewed.
            revoke("lease lapsed without renewal, " + (scheduler.now() - holder.grantedAt) + " ms after the grant");
        }
    }

    private void revoke(String why) {
        revocations++;
        log.info("{}: lock revoked from node {} (token {}): {}", me, holder.node, holder.token, why);
        holder = null;
        grantNext();
    }

    private List<Integer> queueNodes() {
        List<Integer> nodes = new ArrayList<>();
        queue.forEach(w -> nodes.add(w.node));
        return nodes;
    }

    /** A snapshot for status and admin. */
    public LockTable table() {
        return new LockTable(phase, epoch, holder == null ? -1 : holder.node, holder == null ? null : holder.token,
                holder == null ? 0 : Math.max(0, holder.leaseUntil - scheduler.now()), queueNodes(), grants, revocations,
                staleReleases);
    }

    public LockPhase phase() {
        return phase;
    }
}
