package shelf.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.api.NodeStatus;
import shelf.api.UnavailableException;
import shelf.config.ClusterConfig;
import shelf.election.BullyElection;
import shelf.election.EpochStore;
import shelf.election.Role;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.Outcome;
import shelf.lock.LockClient;
import shelf.lock.LockPhase;
import shelf.lock.LockServer;
import shelf.protocol.Message;
import shelf.protocol.Scheduler;
import shelf.protocol.Transport;

/**
 * One node's protocol: the Bully election, the lock server (when coordinator), the lock client, and
 * the queue of client operations that are appended in batches under the cluster mutex and answered once durable.
 *
 * <p>Every method that touches state runs as a task of the {@link Scheduler}, one task at a time (called "the
 * protocol thread" below, though a real node runs tasks on whichever thread submits them while it is idle).
 * The public entry points ({@link #deliver}, {@link #unreachable}, {@link #submit}, {@link #status}) may be
 * called from any thread: they only hand work to it.
 */
public final class NodeCore implements Transport.Inbox {
    private static final Logger log = LoggerFactory.getLogger(NodeCore.class);
    /** Most operations applied under one grant (one fsync). */
    static final int MAX_BATCH = 512;

    private record PendingOp(Command command, CompletableFuture<Outcome> result, long deadline) {
    }

    /** A wish to hold the lock without writing (the operator's holdLock, the lock benchmark's cycles). */
    private record Hold(long millis, CompletableFuture<FencingToken> released) {
    }

    private final int self;
    private final String me;
    private final ClusterConfig config;
    private final Scheduler scheduler;
    private final Transport network;
    private final LibraryWriter writer;
    private final Counters counters = new Counters();
    private final BullyElection election;
    private final LockServer lockServer;
    private final LockClient lockClient;
    private final Deque<PendingOp> pending = new ArrayDeque<>();
    private List<PendingOp> writing = List.of();
    /** Operations appended and released with the lock, waiting for their fsync before they are answered. */
    private int syncingOps;
    private final Deque<Hold> holds = new ArrayDeque<>();
    /** The granted lock is in use: a batch is being written or a hold runs. */
    private boolean busy;
    private volatile boolean stopped;

    public NodeCore(int self, ClusterConfig config, Scheduler scheduler, Transport network, EpochStore epochs,
                    LibraryWriter writer, long firstRequestId) {
        this.self = self;
        this.me = "node " + self;
        this.config = config;
        this.scheduler = scheduler;
        this.network = network;
        this.writer = writer;
        Transport out = this::send;
        List<Integer> ids = config.ids();
        this.lockServer = new LockServer(self, ids, config.timings(), scheduler, out);
        this.lockClient = new LockClient(self, scheduler, out, firstRequestId, config.timings().failureTimeoutMs(),
                this::granted);
        this.election = new BullyElection(self, ids, config.timings(), scheduler, out, epochs, this::onCoordinatorChanged);
    }

    /** Starts the election and the timers. Call once. */
    public void start() {
        scheduler.execute(() -> {
            election.start();
            scheduler.schedule(config.timings().heartbeatIntervalMs(), this::tick);
        });
    }

    /** Simulates a crash: the node stops reacting to anything. */
    public void stop() {
        stopped = true;
        scheduler.execute(election::stop);
    }

    // ---- inbound: from any thread ----

    @Override
    public void deliver(Message m) {
        scheduler.execute(() -> dispatch(m));
    }

    @Override
    public void unreachable(int peer, Message m) {
        scheduler.execute(() -> {
            if (stopped) {
                return;
            }
            counters.add("unreachable." + m.type());
            logMessage("could not deliver to node " + peer + ":", m);
            election.unreachable(peer, m);
            lockServer.unreachable(peer, m);
            lockClient.unreachable(m);
        });
    }

    private void dispatch(Message m) {
        if (stopped) {
            return;
        }
        if (config.node(m.from()).isEmpty()) {
            counters.add("rejected.unknown-sender");
            log.warn("{}: rejected {} from node {}, which is not in {}", me, m.type(), m.from(), config.source());
            return;
        }
        counters.add("received." + m.type());
        logMessage("received", m);
        boolean handled = election.handle(m) || lockServer.handle(m) || lockClient.handle(m);
        if (!handled) {
            log.warn("{}: no handler for {}", me, m);
        }
    }

    // ---- outbound ----

    private void send(int to, Message m) {
        counters.add("sent." + m.type());
        logMessage("sent to node " + to + ":", m);
        if (to == self) {
            scheduler.execute(() -> dispatch(m));
        } else {
            network.send(to, m);
        }
    }

    /**
     * One INFO line per message sent or received, except: heartbeats (DEBUG, five a second per node), and
     * lock requests, grants and releases, whose handlers log them as the event they are ("lock request 17
     * from node 1 queued at position 2", "lock granted to node 1, token 12:3", ...) so a lock cycle is not
     * logged twice over.
     */
    private void logMessage(String what, Message m) {
        if (m instanceof Message.LockRequest || m instanceof Message.LockGrant || m instanceof Message.LockRelease) {
            if (log.isDebugEnabled()) {
                log.debug("{}: {} {}", me, what, m);
            }
        } else if (m instanceof Message.Heartbeat || m instanceof Message.HeartbeatAck || m instanceof Message.LeaseRenewal) {
            if (log.isDebugEnabled()) {
                log.debug("{}: {} {}", me, what, m);
            }
        } else {
            log.info("{}: {} {}", me, what, m);
        }
    }

    // ---- election outcome ----

    private void onCoordinatorChanged(int coordinator, long epoch, Role role) {
        if (role == Role.COORDINATOR) {
            lockServer.takeOver(epoch);
        } else {
            lockServer.stepDown();
        }
        lockClient.coordinatorChanged(coordinator, epoch);
    }

    // ---- client operations ----

    /** Queues a client operation; the future completes when it is durably applied, refused, or timed out. */
    public CompletableFuture<Outcome> submit(Command command) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            if (stopped) {
                result.completeExceptionally(new UnavailableException(me + " is stopping"));
                return;
            }
            pending.addLast(new PendingOp(command, result, scheduler.now() + config.timings().requestTimeoutMs()));
            if (!busy) {
                lockClient.acquire();
            }
        });
        return result;
    }

    /**
     * Takes the cluster lock like a write would, holds it for {@code millis} without writing, and releases
     * it. The future completes, with the grant's token, on release. For operators (to watch the queue and
     * leases) and the lock benchmark.
     */
    public CompletableFuture<FencingToken> holdLock(long millis) {
        CompletableFuture<FencingToken> released = new CompletableFuture<>();
        scheduler.execute(() -> {
            holds.addLast(new Hold(millis, released));
            if (!busy) {
                lockClient.acquire();
            }
        });
        return released;
    }

    /**
     * Takes and releases the lock {@code cycles} times back to back, each cycle asked for by the protocol
     * thread the moment the previous one ended (as the node's own writes are); the lock benchmark's load.
     *
     * @return each cycle's time from asking to releasing, in nanoseconds
     */
    public CompletableFuture<long[]> lockCycles(int cycles) {
        long[] latencies = new long[cycles];
        CompletableFuture<long[]> done = new CompletableFuture<>();
        scheduler.execute(() -> nextCycle(latencies, 0, done));
        return done;
    }

    private void nextCycle(long[] latencies, int i, CompletableFuture<long[]> done) {
        if (i == latencies.length) {
            done.complete(latencies);
            return;
        }
        long started = System.nanoTime();
        CompletableFuture<FencingToken> released = new CompletableFuture<>();
        released.whenComplete((token, failed) -> {
            latencies[i] = System.nanoTime() - started;
            nextCycle(latencies, i + 1, done); // on the protocol thread, which completes the hold
        });
        holds.addLast(new Hold(0, released));
        if (!busy) {
            lockClient.acquire();
        }
    }

    private void granted(FencingToken token) {
        if (!holds.isEmpty()) {
            Hold hold = holds.pollFirst();
            counters.add("lock.holds");
            busy = true;
            scheduler.schedule(hold.millis, () -> {
                busy = false;
                lockClient.release();
                hold.released.complete(token);
                acquireIfWanted();
            });
            return;
        }
        if (pending.isEmpty()) {
            lockClient.release();
            return;
        }
        List<PendingOp> batch = new ArrayList<>(Math.min(pending.size(), MAX_BATCH));
        while (!pending.isEmpty() && batch.size() < MAX_BATCH) {
            batch.add(pending.pollFirst());
        }
        writing = batch;
        busy = true;
        List<Command> commands = batch.stream().map(PendingOp::command).toList();
        writer.write(token, commands, new BatchWrite(token, batch));
    }

    /**
     * One batch through the writer: the lock is released as soon as the batch is appended (the next holder's
     * append overlaps this batch's fsync), and the clients hear their outcomes only once it is durable.
     * The writer's callbacks come from its thread; each is handled as a protocol task, in order.
     */
    private final class BatchWrite implements LibraryWriter.Listener {
        private final FencingToken token;
        private final List<PendingOp> batch;
        private List<Outcome> outcomes = List.of();

        BatchWrite(FencingToken token, List<PendingOp> batch) {
            this.token = token;
            this.batch = batch;
        }

        @Override
        public void appended(LibraryWriter.Result result) {
            scheduler.execute(() -> onAppended(result));
        }

        @Override
        public void durable() {
            scheduler.execute(() -> {
                syncingOps -= batch.size();
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result.complete(outcomes.get(i));
                }
            });
        }

        @Override
        public void notDurable(String reason) {
            scheduler.execute(() -> {
                syncingOps -= batch.size();
                counters.add("store.sync-failures");
                log.error("{}: fsync of the library failed after token {}'s batch: {}", me, token, reason);
                fail(batch, me + " appended the operation but could not make it durable (" + reason + "); it may or may not"
                        + " have been applied: retry it with the same request id, which never applies twice");
            });
        }

        private void onAppended(LibraryWriter.Result result) {
            writing = List.of();
            busy = false;
            if (result instanceof LibraryWriter.Result.Applied applied) {
                counters.add("store.batches");
                outcomes = applied.outcomes();
                syncingOps += batch.size();
                lockClient.release(); // the next holder may append while this batch is fsynced
            } else if (result instanceof LibraryWriter.Result.Fenced fenced) {
                counters.add("store.fenced");
                log.warn("{}: write with token {} refused by the store: {}; {} operations not applied", me, token,
                        fenced.reason(), batch.size());
                fail(batch, me + "'s lease on the cluster lock lapsed before it could write (" + fenced.reason()
                        + "); nothing was applied");
                lockClient.abandon("fenced off by the store");
            } else if (result instanceof LibraryWriter.Result.Failed failed) {
                counters.add("store.failures");
                log.error("{}: library write failed: {}", me, failed.reason());
                fail(batch, me + " could not write the library: " + failed.reason());
                lockClient.release();
            }
            acquireIfWanted();
        }
    }

    private void acquireIfWanted() {
        if (!pending.isEmpty() || !holds.isEmpty()) {
            lockClient.acquire();
        }
    }

    private static void fail(List<PendingOp> ops, String why) {
        for (PendingOp op : ops) {
            op.result.completeExceptionally(new UnavailableException(why));
        }
    }

    /**
     * Every heartbeat interval: re-sends an unanswered lock request when it is due, and fails operations
     * that waited past the request timeout without being handed to the writer.
     */
    private void tick() {
        if (stopped) {
            return;
        }
        scheduler.schedule(config.timings().heartbeatIntervalMs(), this::tick);
        lockClient.tick();
        long now = scheduler.now();
        while (!pending.isEmpty() && pending.peekFirst().deadline <= now) {
            PendingOp op = pending.pollFirst();
            counters.add("client.timeouts");
            op.result.completeExceptionally(new UnavailableException(me + " could not get the cluster lock within "
                    + config.timings().requestTimeoutMs() + " ms (" + waitingFor() + "); the operation was not applied"));
        }
    }

    private String waitingFor() {
        int coordinator = election.coordinator();
        return coordinator < 0 ? "no coordinator elected yet" : "waiting for a grant from coordinator node " + coordinator;
    }

    // ---- operator view ----

    /** Asks the protocol thread for a snapshot of this node. */
    public CompletableFuture<NodeStatus> status() {
        CompletableFuture<NodeStatus> result = new CompletableFuture<>();
        scheduler.execute(() -> result.complete(snapshot()));
        return result;
    }

    /** Who leads, as this node sees it; cheap, for checks after every simulated event. */
    public record Term(Role role, int coordinator, long epoch, LockPhase lockPhase) {
    }

    /** The current term, for callers on the protocol thread (the simulation runs every node on one thread). */
    public Term termNow() {
        return new Term(election.role(), election.coordinator(), election.epoch(), lockServer.phase());
    }

    /** The status, for callers already on the protocol thread (the simulation runs every node on one thread). */
    public NodeStatus statusNow() {
        return snapshot();
    }

    private NodeStatus snapshot() {
        FencingToken held = lockClient.held();
        var table = lockServer.table();
        var all = counters.snapshot();
        all.put("lock.grants", table.grants());
        all.put("lock.revocations", table.revocations());
        all.put("lock.stale-releases", table.staleReleases());
        return new NodeStatus(self, election.role(), election.coordinator(), election.epoch(),
                election.peersAlive(), held, pending.size() + writing.size() + syncingOps,
                table, all);
    }

    /** Starts an election now (admin). */
    public void startElection(String reason) {
        scheduler.execute(() -> election.startElection(reason));
    }

    public int id() {
        return self;
    }
}
