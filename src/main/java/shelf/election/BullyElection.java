package shelf.election;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.config.Timings;
import shelf.protocol.Message.Coordinator;
import shelf.protocol.Message.Election;
import shelf.protocol.Message.Heartbeat;
import shelf.protocol.Message.HeartbeatAck;
import shelf.protocol.Message.Ok;
import shelf.protocol.Message.Stale;
import shelf.protocol.Scheduler;
import shelf.protocol.Transport;

/**
 * The Bully algorithm with epochs and heartbeat failure detection, for one node. Every Bully rule lives in this file,
 * named in a comment at the branch that implements it.
 *
 * <p>Called by {@code NodeCore} on the node's protocol thread only: one typed handler per message the election owns
 * ({@link #onElection}, {@link #onOk}, {@link #onCoordinator}, {@link #onHeartbeat}, {@link #onHeartbeatAck},
 * {@link #onStale}) and per undeliverable message it cares about; its timers run there too. It holds no locks and
 * never blocks except to persist a new epoch. Timers carry the election round they were armed in and do nothing if
 * the node has moved on. NodeCore routes nothing to a stopped node, so only the timers and {@link #startElection}
 * check {@link #stop}.
 *
 * <p>Which peers are alive it reads from {@link PeerLiveness}, which NodeCore feeds with every message received,
 * whatever role the message is for.
 *
 * <p>Rules, as DESIGN §3 states them:
 * <ul>
 *   <li>A node elects when it starts, when the coordinator stops answering heartbeats, when asked,
 *       and when it hears COORDINATOR from a lower id.</li>
 *   <li>A candidate sends ELECTION to every higher id. An OK makes it wait for COORDINATOR; no OK
 *       in time (or every higher id unreachable) makes it coordinator.</li>
 *   <li>A coordinator takes an epoch above every epoch it has seen and unique to it (see {@link #nextEpoch}),
 *       persists it, and announces it.</li>
 *   <li>Messages of an older epoch are answered with STALE and otherwise ignored.</li>
 * </ul>
 */
public final class BullyElection {
    private static final Logger log = LoggerFactory.getLogger(BullyElection.class);
    /** A candidate still without a coordinator after this many failure timeouts starts a new round (a safety net). */
    private static final int ROUND_LIMIT_IN_FAILURE_TIMEOUTS = 3;

    private final int self;
    private final String me;
    private final List<Integer> peers;
    private final List<Integer> higher;
    private final Timings timings;
    private final Scheduler scheduler;
    private final Transport out;
    private final EpochStore epochs;
    private final ElectionListener listener;
    private final PeerLiveness liveness;
    private final int epochStride;

    private Role role = Role.CANDIDATE;
    private int coordinator = -1;
    private long epoch;
    private long maxEpochSeen;
    private long round;
    private boolean awaitingCoordinator;
    private final Set<Integer> unansweredHigher = new HashSet<>();
    private long lastAckAt;
    private long electionStartedAt;
    private final Map<Integer, Long> lastAnnounced = new HashMap<>();
    private boolean stopped;

    public BullyElection(int self, List<Integer> allIds, Timings timings, Scheduler scheduler, Transport out,
                         EpochStore epochs, ElectionListener listener, PeerLiveness liveness) {
        this.self = self;
        this.me = "node " + self;
        this.peers = allIds.stream().filter(id -> id != self).sorted().toList();
        this.higher = peers.stream().filter(id -> id > self).toList();
        this.timings = timings;
        this.scheduler = scheduler;
        this.out = out;
        this.epochs = epochs;
        this.listener = listener;
        this.liveness = liveness;
        this.maxEpochSeen = epochs.load();
        int stride = 10;
        while (stride <= allIds.stream().mapToInt(Integer::intValue).max().orElse(1)) {
            stride *= 10;
        }
        this.epochStride = stride;
    }

    /** Starts the heartbeat timer and the first election. */
    public void start() {
        scheduler.schedule(timings.heartbeatIntervalMs(), this::tick);
        startElection("node started");
    }

    /** Stops all timers; used when the simulation crashes this node. */
    public void stop() {
        stopped = true;
    }

    /** Begins an election unless one is already under way (a trigger from outside the election itself). */
    public void startElection(String reason) {
        if (stopped) {
            return;
        }
        if (role == Role.CANDIDATE && (awaitingCoordinator || !unansweredHigher.isEmpty())) {
            log.info("{}: election already under way (round {}); not starting another: {}", me, round, reason);
            return;
        }
        beginRound(reason);
    }

    /** Starts a new election round, abandoning any earlier one (whose timers then do nothing). */
    private void beginRound(String reason) {
        round++;
        long thisRound = round;
        electionStartedAt = scheduler.now();
        setRole(Role.CANDIDATE, -1);
        awaitingCoordinator = false;
        unansweredHigher.clear();
        log.info("{}: starting election round {} ({}); asking {}", me, round, reason,
                higher.isEmpty() ? "nobody higher" : higher);
        if (higher.isEmpty()) {
            // Bully: the highest id has nobody to ask and wins at once.
            becomeCoordinator();
            return;
        }
        // Bully: a candidate sends ELECTION to every higher id and waits for an OK.
        unansweredHigher.addAll(higher);
        for (int id : higher) {
            out.send(id, new Election(self, maxEpochSeen));
        }
        scheduler.schedule(timings.failureTimeoutMs(), () -> okTimedOut(thisRound));
    }

    /** ELECTION from a candidate. */
    public void onElection(Election e) {
        learnEpoch(e.epoch());
        if (e.from() > self) {
            return; // candidates ask only higher ids: nothing to answer
        }
        // Bully: a node that receives ELECTION from a lower id answers OK and takes the election over.
        out.send(e.from(), new Ok(self, maxEpochSeen));
        if (role == Role.COORDINATOR && maxEpochSeen == epoch) {
            // Already coordinator of the newest epoch: tell the candidate instead of holding a new election.
            out.send(e.from(), new Coordinator(self, epoch));
        } else {
            startElection("ELECTION from lower node " + e.from());
        }
    }

    /** OK from a higher node, answering this node's ELECTION. */
    public void onOk(Ok ok) {
        learnEpoch(ok.epoch());
        if (role != Role.CANDIDATE || awaitingCoordinator) {
            return;
        }
        // Bully: an OK means a higher node is alive and will announce; wait for its COORDINATOR.
        awaitingCoordinator = true;
        long thisRound = round;
        scheduler.schedule(timings.failureTimeoutMs(), () -> coordinatorTimedOut(thisRound));
    }

    /** COORDINATOR: an announcement, or a re-announcement to a peer that fell silent. */
    public void onCoordinator(Coordinator c) {
        if (c.epoch() < maxEpochSeen) {
            // Epochs: a message of an older epoch is answered with STALE and otherwise ignored.
            out.send(c.from(), new Stale(self, maxEpochSeen, coordinator));
            return;
        }
        if (c.from() < self) {
            // Bully: a COORDINATOR from a lower id is overruled; the higher node elects itself with a newer epoch.
            learnEpoch(c.epoch());
            startElection("COORDINATOR from lower node " + c.from());
            return;
        }
        if (c.from() == coordinator && c.epoch() == epoch) {
            lastAckAt = scheduler.now();
            return;
        }
        // Bully: a COORDINATOR from a higher id (of the newest epoch) ends the election: follow it.
        learnEpoch(c.epoch());
        epoch = c.epoch();
        lastAckAt = scheduler.now();
        awaitingCoordinator = false;
        unansweredHigher.clear();
        round++;
        setRole(Role.FOLLOWER, c.from());
    }

    /** HEARTBEAT from a follower (answered only by a coordinator). */
    public void onHeartbeat(Heartbeat h) {
        if (role == Role.COORDINATOR && h.epoch() > epoch) {
            // Epochs: a coordinator that hears of a newer epoch steps down and elects again.
            learnEpoch(h.epoch());
            startElection("heartbeat from node " + h.from() + " carries newer epoch " + h.epoch());
            return;
        }
        if (role != Role.COORDINATOR) {
            // Failure detection: a node that does not lead says so, and its follower elects again.
            out.send(h.from(), new Stale(self, maxEpochSeen, coordinator));
            return;
        }
        if (h.epoch() < epoch) {
            // Epochs: a follower of an older term is told who leads now.
            out.send(h.from(), new Coordinator(self, epoch));
            return;
        }
        // Failure detection: the coordinator answers each heartbeat of its epoch.
        out.send(h.from(), new HeartbeatAck(self, epoch));
    }

    /** HEARTBEAT_ACK from the coordinator. */
    public void onHeartbeatAck(HeartbeatAck a) {
        if (a.from() == coordinator && a.epoch() == epoch) {
            lastAckAt = scheduler.now();
        }
    }

    /** STALE: the sender knows a newer epoch, or no longer leads. */
    public void onStale(Stale s) {
        if (s.epoch() > maxEpochSeen) {
            // Epochs: a node that learns of a newer epoch elects again (a resumed coordinator steps down).
            learnEpoch(s.epoch());
            startElection("node " + s.from() + " reports newer epoch " + s.epoch());
        } else if (role == Role.FOLLOWER && s.from() == coordinator) {
            // Failure detection: the coordinator this node follows says it no longer leads.
            startElection("coordinator " + s.from() + " says it no longer leads");
        }
    }

    /** This node's ELECTION could not be delivered to {@code peer}. */
    public void onElectionUndeliverable(int peer) {
        if (role == Role.CANDIDATE && !awaitingCoordinator && unansweredHigher.remove(peer) && unansweredHigher.isEmpty()) {
            // Bully: no higher node can answer OK (a refused connection tells at once): this node wins.
            log.info("{}: every higher node is unreachable; no need to wait for OK", me);
            becomeCoordinator();
        }
    }

    /** This node's HEARTBEAT could not be delivered to {@code peer}. */
    public void onHeartbeatUndeliverable(int peer) {
        if (role == Role.FOLLOWER && peer == coordinator) {
            // Bully: a node elects when its heartbeat to the coordinator fails.
            startElection("coordinator " + peer + " unreachable");
        }
    }

    private void okTimedOut(long armedRound) {
        if (stopped || armedRound != round || role != Role.CANDIDATE || awaitingCoordinator) {
            return;
        }
        // Bully: no OK from any higher id in time, so no higher node is alive: this node wins.
        becomeCoordinator();
    }

    private void coordinatorTimedOut(long armedRound) {
        if (stopped || armedRound != round || role != Role.CANDIDATE || !awaitingCoordinator) {
            return;
        }
        // Bully: an OK came but no COORDINATOR followed: the higher node died mid-election; start again.
        beginRound("OK but no COORDINATOR within " + timings.failureTimeoutMs() + " ms");
    }

    /**
     * The next epoch this node may claim: above every epoch it has seen, and ending in its own id
     * (a ballot number, as in Paxos: term × 10^k + id). Two nodes can therefore never claim the same
     * epoch, even when one wins without hearing of the other's term (Bully has no round trip that
     * would tell it).
     */
    static long nextEpoch(long maxSeen, int self, int stride) {
        return (maxSeen / stride + 1) * stride + self;
    }

    private void becomeCoordinator() {
        epoch = nextEpoch(maxEpochSeen, self, epochStride);
        maxEpochSeen = epoch;
        epochs.save(epoch);
        unansweredHigher.clear();
        awaitingCoordinator = false;
        round++;
        long took = scheduler.now() - electionStartedAt;
        log.info("{}: won the election with epoch {} after {} ms; announcing to {}", me, epoch, took, peers);
        setRole(Role.COORDINATOR, self);
        long now = scheduler.now();
        for (int id : peers) {
            out.send(id, new Coordinator(self, epoch));
            lastAnnounced.put(id, now);
        }
    }

    private void tick() {
        if (stopped) {
            return;
        }
        scheduler.schedule(timings.heartbeatIntervalMs(), this::tick);
        long now = scheduler.now();
        if (role == Role.FOLLOWER) {
            if (now - lastAckAt > timings.failureTimeoutMs()) {
                // Bully: a node elects when the coordinator stops answering its heartbeats.
                startElection("no answer from coordinator " + coordinator + " for " + (now - lastAckAt) + " ms");
            } else {
                out.send(coordinator, new Heartbeat(self, epoch));
            }
        } else if (role == Role.COORDINATOR) {
            reannounceToSilentPeers(now);
        } else if (role == Role.CANDIDATE && awaitingCoordinator) {
            // A COORDINATOR may have been lost: ask the higher nodes again; a sitting coordinator answers with one.
            for (int id : higher) {
                out.send(id, new Election(self, maxEpochSeen));
            }
        } else if (role == Role.CANDIDATE) {
            // An OK may have been lost on its way here (the higher node is alive but its answer was not
            // delivered): ask those that have not answered again rather than wait out the whole OK timeout.
            for (int id : unansweredHigher) { // undeliverable ones are reported later, as events
                out.send(id, new Election(self, maxEpochSeen));
            }
        }
        if (role == Role.CANDIDATE && now - electionStartedAt > ROUND_LIMIT_IN_FAILURE_TIMEOUTS * timings.failureTimeoutMs()) {
            // A safety net: no round may leave the node a candidate for good (lost messages, say).
            beginRound("election round " + round + " ended without a coordinator");
        }
    }

    /**
     * A coordinator re-announces itself to peers it has not heard from for the failure timeout: they
     * may have restarted, resumed from a pause or healed from a partition. A paused coordinator that
     * resumes learns the same way, from the STALE answers, that it was replaced.
     */
    private void reannounceToSilentPeers(long now) {
        for (int id : peers) {
            long heard = liveness.lastHeard(id);
            long announced = lastAnnounced.getOrDefault(id, 0L);
            if (now - heard > timings.failureTimeoutMs() && now - announced > timings.failureTimeoutMs()) {
                out.send(id, new Coordinator(self, epoch));
                lastAnnounced.put(id, now);
            }
        }
    }

    private void learnEpoch(long seen) {
        if (seen > maxEpochSeen) {
            maxEpochSeen = seen;
            epochs.save(seen);
        }
    }

    private void setRole(Role newRole, int newCoordinator) {
        boolean changed = newRole != role || newCoordinator != coordinator;
        Role old = role;
        role = newRole;
        coordinator = newCoordinator;
        if (changed) {
            if (newRole == Role.FOLLOWER) {
                log.info("{}: role {} -> FOLLOWER of node {} in epoch {}", me, old, newCoordinator, epoch);
            } else {
                log.info("{}: role {} -> {} (epoch {})", me, old, newRole, newRole == Role.COORDINATOR ? epoch : maxEpochSeen);
            }
            listener.coordinatorChanged(newCoordinator, epoch, newRole);
        }
    }

    public Role role() {
        return role;
    }

    public int coordinator() {
        return coordinator;
    }

    /** The epoch of the term this node is in (its own, when coordinator). */
    public long epoch() {
        return epoch;
    }

    /** Peers heard from within the failure timeout, ascending. */
    public List<Integer> peersAlive() {
        return liveness.heardWithin(scheduler.now(), timings.failureTimeoutMs(), self);
    }
}
