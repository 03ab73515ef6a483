package shelf.node;

import java.util.concurrent.CompletableFuture;
import shelf.api.NodeStatus;
import shelf.config.ClusterConfig;
import shelf.election.BullyElection;
import shelf.election.EpochStore;
import shelf.election.Epochs;
import shelf.election.PeerLiveness;
import shelf.election.Role;
import shelf.events.Event;
import shelf.events.EventTypes;
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
 * One node's protocol, as a router: each message goes, by its type, to the one role that owns it (the Bully
 * {@link BullyElection}, the {@link LockServer} active on the coordinator, the {@link LockClient}); client operations
 * and lock holds go to the {@link WritePipeline}. Built by the composition root ({@code shelf.server.ShelfNode}), the
 * simulation and the in-memory election benchmark.
 *
 * <p>Every method that touches state runs as a task of the {@link Scheduler}, one task at a time ("the protocol
 * thread", though a real node runs tasks on whichever thread submits them while it is idle: {@link SerialScheduler}).
 * The entry points ({@link #deliver} and {@link #unreachable} from the transport, the {@link Node} methods from the RMI
 * adapters) may be called from any thread: they only hand work to it.
 */
public final class NodeCore implements Node, Transport.Inbox {
    /** How long a crash waits for its CRASH_REQUESTED event to be recorded, then written. */
    private static final long CRASH_RECORD_MS = 20;
    private final int self;
    private final ClusterConfig config;
    private final Scheduler scheduler;
    private final Transport network;
    private final MessageLog traffic;
    private final PeerLiveness liveness = new PeerLiveness();
    private final BullyElection election;
    private final LockServer lockServer;
    private final LockClient lockClient;
    private final WritePipeline pipeline;
    private final NodeView view;
    private final EventRecorder events;
    private volatile boolean stopped;
    /** The START event is recorded (protocol thread). */
    private boolean opened;

    public NodeCore(int self, ClusterConfig config, Scheduler scheduler, Transport network, EpochStore epochs,
                    LibraryWriter writer, long firstRequestId) {
        this(self, config, scheduler, network, epochs, writer, firstRequestId, EventRecorder.off(self, config.ids()));
    }

    /** A node that records its events with {@code events} (and stamps its messages with their clocks). */
    public NodeCore(int self, ClusterConfig config, Scheduler scheduler, Transport network, EpochStore epochs,
                    LibraryWriter writer, long firstRequestId, EventRecorder events) {
        this.self = self;
        this.events = events;
        String me = "node " + self;
        this.config = config;
        this.scheduler = scheduler;
        this.network = network;
        Counters counters = new Counters();
        this.traffic = new MessageLog(me, counters, scheduler::now);
        var timings = config.timings();
        Transport out = this::send;
        this.lockServer = new LockServer(self, config.ids(), timings, scheduler, out);
        this.lockClient = new LockClient(self, scheduler, out, firstRequestId, timings, new LockClient.Listener() {
            @Override
            public void granted(FencingToken token) {
                events.local(EventTypes.GRANT_TAKEN, Event.NONE, token.epoch(), token, null);
                pipeline.granted(token);
            }

            @Override
            public void leaseLost(FencingToken token, String why) {
                events.local(EventTypes.LEASE_EXPIRED, Event.NONE, token.epoch(), token, why);
                pipeline.leaseLost(token, why);
            }
        });
        this.election = new BullyElection(self, config.ids(), timings, scheduler, out, epochs, this::onCoordinatorChanged,
                liveness);
        this.pipeline = new WritePipeline(me, scheduler, events.watching(writer, scheduler), lockClient, counters,
                timings.requestTimeoutMs(),
                new WritePipeline.Surroundings() {
                    @Override
                    public int coordinator() {
                        return election.coordinator();
                    }

                    @Override
                    public boolean stopped() {
                        return stopped;
                    }

                    @Override
                    public void libraryFence(FencingToken highest) {
                        election.learnLibraryEpoch(highest.epoch());
                    }
                });
        this.view = new NodeView(self, election, lockServer, lockClient, pipeline, counters);
    }

    /**
     * The node's run begins: its START event, recorded before anything can reach it, so that a message a peer sends while
     * this node still warms up (it answers as soon as it listens) comes after the START in its lane of the timeline.
     * A real node opens before it listens and starts after; {@link #start} opens a core that was not opened.
     */
    public void open() {
        scheduler.execute(() -> {
            if (!opened) {
                opened = true;
                events.local(EventTypes.START, Event.NONE, Event.NO_EPOCH, null, null);
            }
        });
    }

    /** Starts the election and the timers. Call once. */
    public void start() {
        open();
        scheduler.execute(() -> {
            election.start();
            scheduler.schedule(config.timings().heartbeatIntervalMs(), this::tick);
        });
    }

    /**
     * The library's highest accepted token, read by the composition root before {@link #start}: the first epoch this node
     * claims lies above its epoch (see {@link BullyElection#learnLibraryEpoch}). From any thread.
     */
    public void learnLibraryFence(FencingToken highest) {
        scheduler.execute(() -> election.learnLibraryEpoch(highest.epoch()));
    }

    /** Simulates a crash: the node stops reacting to anything. */
    public void stop() {
        stopped = true;
        scheduler.execute(() -> {
            events.local(EventTypes.STOP, Event.NONE, Event.NO_EPOCH, null, null);
            election.stop();
        });
    }

    /** Records that an operator asked for a crash, and waits a moment for the event to reach the disk. From any thread. */
    @Override
    public void crashRequested() {
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        scheduler.execute(() -> {
            events.local(EventTypes.CRASH_REQUESTED, Event.NONE, Event.NO_EPOCH, null, null);
            recorded.complete(null);
        });
        try {
            recorded.get(CRASH_RECORD_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return; // a busy protocol thread: the crash goes ahead unrecorded
        }
        events.sink().flush(CRASH_RECORD_MS);
    }

    @Override
    public void deliver(Message m) {
        scheduler.execute(() -> dispatch(m));
    }

    @Override
    public void unreachable(int peer, Message m) {
        scheduler.execute(() -> {
            if (!stopped) {
                Message bare = Message.Stamped.payload(m);
                events.unreachable(peer, m);
                traffic.undeliverable(peer, bare);
                routeUndeliverable(peer, bare);
            }
        });
    }

    private void dispatch(Message m) {
        if (stopped) {
            return;
        }
        if (config.node(m.from()).isEmpty()) {
            traffic.rejectedUnknownSender(m, config.source());
            return;
        }
        if (!Epochs.isSane(m.epoch())) {
            // Epochs: a message with an epoch outside 0..CEILING (negative, or too large to be followed by another
            // election) is refused before any role sees it: nothing is learned, persisted or answered.
            traffic.rejectedEpoch(m);
            return;
        }
        Message bare = events.received(m); // its clocks merged, its stamp off
        traffic.received(bare);
        liveness.heard(bare.from(), scheduler.now()); // any message, whatever role it is for, shows its sender alive
        route(bare);
    }

    /** The one place a message's type is decoded: each type has one handler, in the role that owns it. */
    private void route(Message m) {
        if (m instanceof Message.LockRequest r) { // the lock cycle's three first: the hot path
            lockServer.onRequest(r);
        } else if (m instanceof Message.LockGrant g) {
            lockClient.onGrant(g);
        } else if (m instanceof Message.LockRelease r) {
            lockServer.onRelease(r);
        } else if (m instanceof Message.LeaseRenewal r) {
            lockServer.onRenewal(r);
        } else if (m instanceof Message.Heartbeat h) {
            election.onHeartbeat(h);
        } else if (m instanceof Message.HeartbeatAck a) {
            election.onHeartbeatAck(a);
        } else if (m instanceof Message.Election e) {
            election.onElection(e);
        } else if (m instanceof Message.Ok ok) {
            election.onOk(ok);
        } else if (m instanceof Message.Coordinator c) {
            election.onCoordinator(c);
        } else if (m instanceof Message.Stale s) {
            election.onStale(s);
        } else if (m instanceof Message.LockStateQuery q) {
            lockClient.onStateQuery(q); // answered first, as when the COORDINATOR behind it comes
            election.onStateQuery(q); // a new term's first message: its announcement, should that be lost
        } else { // Message is sealed: the last type needs no test (NodeCoreTest routes every type)
            lockServer.onReport((Message.LockStateReport) m);
        }
    }

    /** An undeliverable message goes to the role that sent it, when that role cares; a lost answer is re-sent anyway. */
    private void routeUndeliverable(int peer, Message m) {
        if (m instanceof Message.Election) {
            election.onElectionUndeliverable(peer);
        } else if (m instanceof Message.Heartbeat) {
            election.onHeartbeatUndeliverable(peer);
        } else if (m instanceof Message.LockRequest r) {
            lockClient.onRequestUndeliverable(r);
        } else if (m instanceof Message.LockGrant g) {
            lockServer.onGrantUndeliverable(peer, g);
        } else if (m instanceof Message.LockStateQuery) {
            lockServer.onQueryUndeliverable(peer);
        }
    }

    private void send(int to, Message m) {
        traffic.sent(to, m);
        Message out = events.sent(to, m);
        if (to == self) {
            scheduler.execute(() -> dispatch(out));
        } else {
            network.send(to, out);
        }
    }

    private void onCoordinatorChanged(int coordinator, long epoch, Role role) {
        events.coordinatorChanged(coordinator, epoch, role);
        if (role == Role.COORDINATOR) {
            lockServer.takeOver(epoch);
        } else {
            lockServer.stepDown();
        }
        lockClient.coordinatorChanged(coordinator, epoch);
    }

    /** Every heartbeat interval: the lock client renews its lease or re-sends its request; overdue operations fail. */
    private void tick() {
        if (stopped) {
            return;
        }
        scheduler.schedule(config.timings().heartbeatIntervalMs(), this::tick);
        lockClient.tick();
        pipeline.expireOverdue();
    }

    @Override
    public CompletableFuture<Outcome> submit(Command command) {
        return pipeline.submit(command);
    }

    @Override
    public CompletableFuture<FencingToken> holdLock(long millis) {
        return pipeline.hold(millis);
    }

    @Override
    public CompletableFuture<NodeStatus> status() {
        CompletableFuture<NodeStatus> result = new CompletableFuture<>();
        scheduler.execute(() -> result.complete(statusNow()));
        return result;
    }

    @Override
    public void startElection(String reason) {
        scheduler.execute(() -> election.startElection(reason));
    }

    @Override
    public int id() {
        return self;
    }

    /** Who leads, as this node sees it; cheap, for checks after every simulated event. */
    public record Term(Role role, int coordinator, long epoch, LockPhase lockPhase) {
    }

    /** The current term, for callers on the protocol thread (the simulation runs every node on one thread). */
    public Term termNow() {
        return view.term();
    }

    /** The status, for callers already on the protocol thread (the simulation runs every node on one thread). */
    public NodeStatus statusNow() {
        return view.status();
    }
}
