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
import shelf.protocol.Message.LockStateQuery;
import shelf.protocol.Message.Ok;
import shelf.protocol.Message.Stale;
import shelf.protocol.LogLimiter;
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
 *   <li>A coordinator takes an epoch above every epoch it has seen and unique to it (see {@link Epochs#next}),
 *       persists it, and announces it.</li>
 *   <li>Messages of an older epoch are answered with STALE and otherwise ignored.</li>
 * </ul>
 *
 * <p>And the rules that keep a liar (a buggy, restarted or hostile peer, authenticated or not) from steering it: no
 * epoch outside {@code 0..}{@link Epochs#CEILING} is taken or claimed; a message repeated changes nothing the first
 * copy did not (an OK only counts from a higher node while this node asks; a STALE only when it carries a newer epoch,
 * or once per term from the coordinator itself); answers to peers that do not follow this term are rate-limited
 * ({@link PeerAnswers}); and rounds are paced ({@link RoundPacing}): a failover starts at once, but rounds that end
 * without a coordinator back off, and news from peers starts at most one round per back-off.
 */
public final class BullyElection {
    private static final Logger log = LoggerFactory.getLogger(BullyElection.class);
    /** A candidate still without a coordinator after this many failure timeouts starts a new round (a safety net). */
    private static final int ROUND_LIMIT_IN_FAILURE_TIMEOUTS = 3;
    /** Silence, in heartbeat intervals, after which a coordinator announces itself again to a peer. */
    private static final int REANNOUNCE_AFTER_HEARTBEATS = 5;
    /** The longest back-off between election rounds, in failure timeouts. */
    private static final int BACKOFF_CAP_IN_FAILURE_TIMEOUTS = 4;
    /** Lines of one kind a flood may log: this many per window, then a count of those left out. */
    private static final int LOG_LINES_PER_WINDOW = 5;
    private static final long LOG_WINDOW_MS = 1_000;

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
    private final long epochStride;
    private final RoundPacing pacing;
    private final PeerAnswers answers;
    private final LogLimiter underWayLog = new LogLimiter(LOG_LINES_PER_WINDOW, LOG_WINDOW_MS);
    private final LogLimiter exhaustedLog = new LogLimiter(1, LOG_WINDOW_MS);

    private Role role = Role.CANDIDATE;
    private int coordinator = -1;
    private long epoch;
    private long maxEpochSeen;
    /** The highest token epoch the library has accepted, as last heard (at start, and from a write it refused). */
    private long libraryEpoch;
    /** The absurd library epoch last reported, so that it is reported once. */
    private long absurdLibraryEpoch = -1;
    private long round;
    private boolean awaitingCoordinator;
    private final Set<Integer> unansweredHigher = new HashSet<>();
    private long lastAckAt;
    private long electionStartedAt;
    private final Map<Integer, Long> lastAnnounced = new HashMap<>();
    private boolean stopped;
    /** A round is scheduled to begin once its back-off has passed; triggers until then fold into it. */
    private boolean roundDeferred;
    private long roundsBegun;
    /** The epoch last written to the epoch store. */
    private long persisted;
    /** The term whose coordinator said it no longer leads, and this node acted on it (a repeat changes nothing). */
    private long resignedEpoch = -1;
    /** The term the listener last heard of. */
    private long announcedEpoch = -1;
    /** The election this node is in, for its one-line summary when it ends; null while none. */
    private ElectionSummary summary;

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
        this.epochStride = Epochs.stride(allIds);
        this.pacing = new RoundPacing(self, timings.heartbeatIntervalMs(),
                BACKOFF_CAP_IN_FAILURE_TIMEOUTS * timings.failureTimeoutMs());
        this.answers = new PeerAnswers(timings.heartbeatIntervalMs() / 2);
        this.persisted = storedEpoch();
        this.maxEpochSeen = persisted;
    }

    /**
     * The epoch in the store, unless it is absurd. The node's epoch file refuses to start with one outside
     * {@code 0..}{@link Epochs#CEILING} (it names the file); a store that hands one over anyway is not believed: one error
     * line, and the node starts from 0, as a new node does, and takes the cluster's epoch from its peers and the library
     * before it claims one.
     */
    private long storedEpoch() {
        long stored = epochs.load();
        if (Epochs.isSane(stored)) {
            return stored;
        }
        log.error("{}: ignoring the stored epoch {}: outside 0..{}; starting from 0 to take the cluster's epoch from its peers",
                me, stored, Epochs.CEILING);
        return 0;
    }

    /**
     * Starts the heartbeat timer and the first election, unless this node already follows a higher node in the newest
     * epoch it knows: a node listens while it warms up, so a coordinator's announcement can come first, and a round would
     * only ask that coordinator to announce itself again (it answers OK and COORDINATOR, and the node follows it anyway).
     */
    public void start() {
        scheduler.schedule(timings.heartbeatIntervalMs(), this::tick);
        if (leadsOrFollowsNewest()) {
            log.info("{}: follows node {} in epoch {}, announced while this node started; no election", me, coordinator, epoch);
            return;
        }
        startElection("node started");
    }

    /** Stops all timers; used when the simulation crashes this node. */
    public void stop() {
        stopped = true;
    }

    /** Begins an election unless one is already under way (a trigger from outside the election: start, an operator). */
    public void startElection(String reason) {
        elect(RoundPacing.Trigger.FAILURE, reason);
    }

    /** Begins a round for {@code trigger} now, or once its back-off has passed, unless one is under way or deferred. */
    private void elect(RoundPacing.Trigger trigger, String reason) {
        if (stopped) {
            return;
        }
        long now = scheduler.now();
        if (role == Role.CANDIDATE && (awaitingCoordinator || !unansweredHigher.isEmpty())) {
            if (underWayLog.admit(now)) {
                log.info("{}: election already under way (round {}); not starting another: {}{}", me, round, reason,
                        underWayLog.suppressedNote());
            }
            return;
        }
        long wait = pacing.delay(trigger, now);
        if (wait == 0) {
            beginRound(reason);
        } else if (!roundDeferred) {
            // Pacing: rounds in quick succession back off (RoundPacing); later triggers fold into this deferred round.
            roundDeferred = true;
            log.info("{}: next election round in {} ms (back-off after round {}): {}", me, wait, round, reason);
            scheduler.schedule(wait, () -> deferredRound(trigger, reason));
        }
    }

    private void deferredRound(RoundPacing.Trigger trigger, String reason) {
        roundDeferred = false;
        if (stopped) {
            return;
        }
        if (leadsOrFollowsNewest()) {
            log.info("{}: deferred election round dropped: {} leads epoch {}, the newest known", me,
                    role == Role.COORDINATOR ? "this node" : "node " + coordinator, epoch);
            return;
        }
        elect(trigger, reason);
    }

    /** True when this node leads, or follows a higher node, in the newest epoch it knows: nothing to elect for. */
    private boolean leadsOrFollowsNewest() {
        return epoch == maxEpochSeen && (role == Role.COORDINATOR || role == Role.FOLLOWER && coordinator > self);
    }

    /** Starts a new election round, abandoning any earlier one (whose timers then do nothing). */
    private void beginRound(String reason) {
        round++;
        roundsBegun++;
        long thisRound = round;
        electionStartedAt = scheduler.now();
        pacing.roundBegan(electionStartedAt);
        persistSeen();
        setRole(Role.CANDIDATE, -1);
        awaitingCoordinator = false;
        unansweredHigher.clear();
        if (summary == null) {
            summary = new ElectionSummary(reason, electionStartedAt);
        }
        summary.roundBegan(higher.size());
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
            out.send(id, new Election(self, highestKnown()));
        }
        scheduler.schedule(timings.failureTimeoutMs(), () -> okTimedOut(thisRound));
    }

    /** ELECTION from a candidate. */
    public void onElection(Election e) {
        if (e.from() > self) {
            return; // candidates ask only higher ids: nothing to answer, nothing to learn
        }
        learnEpoch(e.epoch());
        boolean leadsNewest = role == Role.COORDINATOR && maxEpochSeen == epoch;
        if (answers.admit(PeerAnswers.Kind.ELECTION, e.from(), scheduler.now())) {
            // Bully: a node that receives ELECTION from a lower id answers OK and takes the election over.
            out.send(e.from(), new Ok(self, highestKnown()));
            if (leadsNewest) {
                // Already coordinator of the newest epoch: tell the candidate instead of holding a new election.
                out.send(e.from(), new Coordinator(self, epoch));
            }
        }
        if (!leadsNewest) {
            elect(RoundPacing.Trigger.NEWS, "ELECTION from lower node " + e.from());
        }
    }

    /** OK from a higher node, answering this node's ELECTION. */
    public void onOk(Ok ok) {
        if (ok.from() < self) {
            return; // Bully: only a higher node answers OK; a lower node's OK means nothing
        }
        learnEpoch(ok.epoch());
        if (role != Role.CANDIDATE || awaitingCoordinator || unansweredHigher.isEmpty()) {
            return; // Bully: an OK counts once, while this node asks; a repeat, or one outside a round, changes nothing
        }
        // Bully: an OK means a higher node is alive and will announce; wait for its COORDINATOR.
        awaitingCoordinator = true;
        if (summary != null) {
            summary.okReceived();
        }
        long thisRound = round;
        scheduler.schedule(timings.failureTimeoutMs(), () -> coordinatorTimedOut(thisRound));
    }

    /** COORDINATOR: an announcement, or a re-announcement to a peer that fell silent. */
    public void onCoordinator(Coordinator c) {
        if (c.epoch() < maxEpochSeen) {
            // Epochs: a message of an older epoch is answered with STALE (at a bounded rate) and otherwise ignored.
            if (answers.admit(PeerAnswers.Kind.OLD_COORDINATOR, c.from(), scheduler.now())) {
                out.send(c.from(), new Stale(self, maxEpochSeen, coordinator));
            }
            return;
        }
        if (c.from() < self) {
            // Bully: a COORDINATOR from a lower id is overruled; the higher node elects itself with a newer epoch.
            learnEpoch(c.epoch());
            elect(RoundPacing.Trigger.NEWS, "COORDINATOR from lower node " + c.from());
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

    /**
     * LOCK_STATE_QUERY: a coordinator sends one to every node as its term begins, just after its COORDINATOR, and again
     * every heartbeat interval to a node that has not answered. From a higher node, of an epoch at least as new as any
     * this node knows, it announces that term as well as the COORDINATOR does, and it may be the one that gets through:
     * a call that timed out on a busy node drops what queued behind it for a while (seen when five nodes start at once
     * on two cores), and a candidate would then wait in vain, or win an epoch of its own. Followed as that COORDINATOR
     * would be; the lock client answers the query itself.
     */
    public void onStateQuery(LockStateQuery q) {
        if (q.from() > self && q.epoch() >= maxEpochSeen && !(q.from() == coordinator && q.epoch() == epoch)) {
            log.debug("{}: lock-state query from node {} in epoch {} announces its term; following it", me, q.from(),
                    q.epoch());
            onCoordinator(new Coordinator(q.from(), q.epoch()));
        }
    }

    /** HEARTBEAT from a follower (answered only by a coordinator). */
    public void onHeartbeat(Heartbeat h) {
        if (role == Role.COORDINATOR && h.epoch() > epoch) {
            // Epochs: a coordinator that hears of a newer epoch steps down and elects again.
            learnEpoch(h.epoch());
            elect(RoundPacing.Trigger.NEWS, "heartbeat from node " + h.from() + " carries newer epoch " + h.epoch());
            return;
        }
        if (role != Role.COORDINATOR || h.epoch() < epoch) {
            if (answers.admit(PeerAnswers.Kind.HEARTBEAT, h.from(), scheduler.now())) {
                // Failure detection: a node that does not lead says so, and its follower elects again; a follower of an
                // older term is told who leads now. Answered at a bounded rate: the sender follows no term of ours.
                out.send(h.from(), role != Role.COORDINATOR ? new Stale(self, maxEpochSeen, coordinator)
                        : new Coordinator(self, epoch));
            }
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
            // Epochs: a node that learns of a newer epoch elects again (a resumed coordinator steps down). A STALE with no
            // newer epoch than one already learned starts nothing more.
            learnEpoch(s.epoch());
            elect(RoundPacing.Trigger.NEWS, "node " + s.from() + " reports newer epoch " + s.epoch());
        } else if (role == Role.FOLLOWER && s.from() == coordinator && s.coordinator() != s.from() && epoch != resignedEpoch) {
            // Failure detection: the coordinator this node follows says it no longer leads; acted on once per term.
            resignedEpoch = epoch;
            elect(RoundPacing.Trigger.FAILURE, "coordinator " + s.from() + " says it no longer leads");
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
            suspectCoordinatorDead("its heartbeat could not be delivered");
            // Bully: a node elects when its heartbeat to the coordinator fails.
            elect(RoundPacing.Trigger.FAILURE, "coordinator " + peer + " unreachable");
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
        // Bully: an OK came but no COORDINATOR followed: the higher node died mid-election; start again (backing off).
        endRoundWithoutCoordinator("OK but no COORDINATOR within " + timings.failureTimeoutMs() + " ms");
    }

    private void endRoundWithoutCoordinator(String reason) {
        awaitingCoordinator = false;
        unansweredHigher.clear();
        elect(RoundPacing.Trigger.FAILURE, reason);
    }

    private void becomeCoordinator() {
        unansweredHigher.clear();
        awaitingCoordinator = false;
        // Epochs: the new term lies above every epoch seen and above the library's highest token epoch, or the library
        // would refuse every write of the term (a cluster whose epoch files were lost elected 15 below a token 35:5).
        long floor = highestKnown();
        long next = Epochs.next(floor, self, epochStride);
        if (next > Epochs.CEILING) {
            // Epochs: no epoch above the ceiling is claimed (peers would refuse it). Only a peer that sent an epoch near
            // the ceiling gets a cluster here; this node stays a candidate and retries, backing off, until an operator acts.
            if (exhaustedLog.admit(scheduler.now())) {
                log.error("{}: cannot lead: the next epoch after {} would exceed the ceiling {}{}", me, floor,
                        Epochs.CEILING, exhaustedLog.suppressedNote());
            }
            return;
        }
        epoch = next;
        maxEpochSeen = epoch;
        epochs.save(epoch);
        persisted = epoch;
        round++;
        long took = scheduler.now() - electionStartedAt;
        log.info("{}: won the election with epoch {} after {} ms; announcing to {}", me, epoch, took, peers);
        // Bully: the announcement goes first, so that each peer follows on COORDINATOR; the new role's first messages
        // (the lock server's queries, sent as it takes over) queue behind it.
        long now = scheduler.now();
        for (int id : peers) {
            out.send(id, new Coordinator(self, epoch));
            lastAnnounced.put(id, now);
        }
        setRole(Role.COORDINATOR, self);
    }

    private void tick() {
        if (stopped) {
            return;
        }
        scheduler.schedule(timings.heartbeatIntervalMs(), this::tick);
        long now = scheduler.now();
        if (role == Role.FOLLOWER) {
            if (now - lastAckAt > timings.failureTimeoutMs()) {
                suspectCoordinatorDead("no answer to heartbeats for " + (now - lastAckAt) + " ms");
                // Bully: a node elects when the coordinator stops answering its heartbeats.
                elect(RoundPacing.Trigger.FAILURE,
                        "no answer from coordinator " + coordinator + " for " + (now - lastAckAt) + " ms");
            } else {
                out.send(coordinator, new Heartbeat(self, epoch));
            }
        } else if (role == Role.COORDINATOR) {
            reannounceToSilentPeers(now);
        } else {
            askAgain(now);
        }
    }

    /** A candidate's tick: asks again for an answer that may have been lost, and ends a round that lasts too long. */
    private void askAgain(long now) {
        if (awaitingCoordinator) {
            // A COORDINATOR may have been lost: ask the higher nodes again; a sitting coordinator answers with one.
            for (int id : higher) {
                out.send(id, new Election(self, highestKnown()));
            }
            countElectionsSent(higher.size());
        } else {
            // An OK may have been lost on its way here (the higher node is alive but its answer was not
            // delivered): ask those that have not answered again rather than wait out the whole OK timeout.
            for (int id : unansweredHigher) { // undeliverable ones are reported later, as events
                out.send(id, new Election(self, highestKnown()));
            }
            countElectionsSent(unansweredHigher.size());
        }
        if (!roundDeferred && now - electionStartedAt > ROUND_LIMIT_IN_FAILURE_TIMEOUTS * timings.failureTimeoutMs()) {
            // A safety net: no round may leave the node a candidate for good (lost messages, say).
            endRoundWithoutCoordinator("election round " + round + " ended without a coordinator");
        }
    }

    /**
     * A coordinator re-announces itself to peers it has not heard from for the failure timeout (or five heartbeat
     * intervals, if sooner: a follower heartbeats every interval, so a peer silent that long follows nobody here): they
     * may have restarted, resumed from a pause, healed from a partition, or missed the announcement while their first
     * connection was still being made (a higher node that then believes itself coordinator of an older term learns of
     * this one and bullies it). A paused coordinator that resumes learns the same way, from the STALE answers, that it
     * was replaced.
     */
    private void reannounceToSilentPeers(long now) {
        long silentMs = Math.min(timings.failureTimeoutMs(), REANNOUNCE_AFTER_HEARTBEATS * timings.heartbeatIntervalMs());
        for (int id : peers) {
            long heard = liveness.lastHeard(id);
            long announced = lastAnnounced.getOrDefault(id, 0L);
            if (now - heard > silentMs && now - announced > silentMs) {
                out.send(id, new Coordinator(self, epoch));
                lastAnnounced.put(id, now);
            }
        }
    }

    /**
     * Remembers an epoch heard of (NodeCore has refused any outside {@code 0..CEILING}). It is persisted when this node
     * acts on it (a round, a term it follows), not per message: a peer that sends ever newer epochs costs no fsync each.
     */
    private void learnEpoch(long seen) {
        if (seen > maxEpochSeen) {
            maxEpochSeen = seen;
        }
    }

    /**
     * The library's highest accepted token epoch, read by the node at start and from every write the library refused as
     * stale. Epochs rule: the next epoch this node claims lies above it, and its ELECTION and OK messages carry it, so
     * whoever wins the next round claims above it too. Learning it starts no election: a refused write is answered by
     * the holder giving the grant up, never by a new term (two sides of a partition writing to one library would
     * otherwise bump each other's epochs forever); the next election, for whatever reason, is the one that moves on.
     */
    public void learnLibraryEpoch(long tokenEpoch) {
        if (!Epochs.isSane(tokenEpoch)) {
            if (tokenEpoch == absurdLibraryEpoch) {
                return; // said once; every refused write says it again in its own line
            }
            absurdLibraryEpoch = tokenEpoch;
            log.error("{}: the library's highest token has epoch {}, outside 0..{}: no term can write above it; an operator"
                    + " must repair the fence (admin fence-repair)", me, tokenEpoch, Epochs.CEILING);
            return;
        }
        if (tokenEpoch <= libraryEpoch) {
            return;
        }
        libraryEpoch = tokenEpoch;
        if (tokenEpoch > epoch && role != Role.CANDIDATE) {
            log.warn("{}: the library has accepted a token of epoch {}, above this term's epoch {}: its writes are refused"
                    + " until the next election, which takes an epoch above it (admin elect)", me, tokenEpoch, epoch);
        } else if (tokenEpoch > maxEpochSeen) {
            log.info("{}: the library's highest token epoch is {}; the next epoch this node claims lies above it", me,
                    tokenEpoch);
        }
    }

    private long highestKnown() {
        return Math.max(maxEpochSeen, libraryEpoch);
    }

    private void persistSeen() {
        if (maxEpochSeen > persisted) {
            epochs.save(maxEpochSeen);
            persisted = maxEpochSeen;
        }
    }

    private void setRole(Role newRole, int newCoordinator) {
        // A new term of the same coordinator is a change too: the lock client must learn the new epoch.
        boolean changed = newRole != role || newCoordinator != coordinator
                || (newRole != Role.CANDIDATE && epoch != announcedEpoch);
        Role old = role;
        int oldCoordinator = coordinator;
        role = newRole;
        coordinator = newCoordinator;
        if (newRole != Role.CANDIDATE) {
            pacing.settled();
            persistSeen();
            announcedEpoch = epoch;
        }
        if (newRole != Role.CANDIDATE && summary != null) {
            log.info("{}: {}", me, summary.ended(newCoordinator, epoch, newRole == Role.COORDINATOR ? peers.size() : 0,
                    scheduler.now()));
            summary = null;
        }
        if (changed) {
            if (newRole == Role.FOLLOWER) {
                log.info("{}: role {} -> FOLLOWER of node {} in epoch {}", me,
                        old == Role.FOLLOWER ? "FOLLOWER of node " + oldCoordinator : old, newCoordinator, epoch);
            } else {
                log.info("{}: role {} -> {} (epoch {})", me, old, newRole, newRole == Role.COORDINATOR ? epoch : maxEpochSeen);
            }
            listener.coordinatorChanged(newCoordinator, epoch, newRole);
        }
    }

    /** "Suspect coordinator dead" is a line of its own, once per suspicion (not again while a round waits out its back-off). */
    private void suspectCoordinatorDead(String why) {
        if (!roundDeferred) {
            log.info("{}: suspect coordinator {} dead: {}", me, coordinator, why);
        }
    }

    private void countElectionsSent(int n) {
        if (summary != null) {
            summary.electionsSent(n);
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

    /** Election rounds this node has begun since it started. */
    public long roundsBegun() {
        return roundsBegun;
    }

    /** Peers heard from within the failure timeout, ascending. */
    public List<Integer> peersAlive() {
        return liveness.heardWithin(scheduler.now(), timings.failureTimeoutMs(), self);
    }
}
