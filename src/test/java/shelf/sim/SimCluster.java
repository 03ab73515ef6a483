package shelf.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import shelf.api.Faults;
import shelf.api.NodeStatus;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.election.EpochStore;
import shelf.events.EventSink;
import shelf.election.Role;
import shelf.library.Command;
import shelf.library.Outcome;
import shelf.lock.LockPhase;
import shelf.node.EventRecorder;
import shelf.node.LibraryWriter;
import shelf.node.FaultSwitch;
import shelf.node.FaultyTransport;
import shelf.node.NodeCore;
import shelf.protocol.Message;
import shelf.protocol.Scheduler;
import shelf.protocol.Transport;

/**
 * A simulated cluster: real {@link NodeCore}s on virtual time, a {@link SimNetwork} between them (seeded delay, loss
 * and duplication, a firewall), a shared in-memory {@link SimStore}, and crash, pause (SIGSTOP) and resume (SIGCONT)
 * as a real node process would experience them:
 * <ul>
 *   <li>a message to a crashed node is reported unreachable at once (connection refused);</li>
 *   <li>a message across a blocked link, or to a paused node, is reported unreachable after the RPC
 *       timeout; one to a paused node may still be processed when it resumes (it sat in the socket);</li>
 *   <li>a paused node's timers and queued tasks run, late, when it resumes.</li>
 * </ul>
 */
final class SimCluster {
    private static final int FIRST_PORT = 20_000;
    /** How long a task handed to a node's protocol thread waits before it runs. */
    private static final long HANDOFF_MICROS = 10;
    /** The spacing of a resumed node's late tasks. */
    private static final long RESUME_MICROS = 1;
    private static final long DEFAULT_WRITE_MICROS = 300;
    private static final long DEFAULT_SYNC_MICROS = 300;

    final Simulation sim;
    final SimStore store = new SimStore();
    final ClusterConfig config;
    private final List<String> lines;
    private final Map<Integer, ClusterConfig> ownConfigs = new HashMap<>();
    final SimNetwork network;
    private final Map<Integer, SimNode> nodes = new TreeMap<>();
    private final Map<Integer, EpochStore> epochs = new HashMap<>();
    /** From a grant to the batch's append (the lock can go then). */
    private long writeDelayMicros = DEFAULT_WRITE_MICROS;
    /** From the append to its fsync's return (the clients are answered then). */
    private long syncDelayMicros = DEFAULT_SYNC_MICROS;
    /** When set, every fsync fails with this reason. */
    private String syncFailure;
    /** When set, nodes started from then on record their events here, timed by virtual time, and stamp their messages. */
    private EventSink events;

    /** One simulated node process. */
    final class SimNode implements Scheduler, SimNetwork.Endpoint {
        final int id;
        final int incarnation;
        ProcessState state = ProcessState.UP;
        NodeCore core;
        /** The operator's faults, in the way of this process's messages both ways; a restart starts healthy. */
        final FaultSwitch faults;
        Transport.Inbox inbound;
        private final List<Runnable> parked = new ArrayList<>();
        /** Tasks submitted while a peer's call is being handled: they run on the calling thread, before it returns. */
        private final java.util.ArrayDeque<Runnable> inCall = new java.util.ArrayDeque<>();
        private boolean handlingCall;

        SimNode(int id, int incarnation) {
            this.id = id;
            this.incarnation = incarnation;
            this.faults = new FaultSwitch(id, sim.random());
        }

        boolean current() {
            return nodes.get(id) == this;
        }

        @Override
        public long now() {
            return sim.nowMillis();
        }

        @Override
        public void execute(Runnable task) {
            if (handlingCall) {
                inCall.add(task);
                return;
            }
            sim.at(HANDOFF_MICROS, () -> run(task));
        }

        @Override
        public void schedule(long delayMs, Runnable task) {
            sim.at(delayMs * Simulation.MICROS_PER_MILLI, () -> run(task));
        }

        private void run(Runnable task) {
            if (!current() || state == ProcessState.CRASHED) {
                return;
            }
            if (state == ProcessState.PAUSED) {
                parked.add(task);
                return;
            }
            task.run();
        }

        void resume() {
            state = ProcessState.UP;
            List<Runnable> late = new ArrayList<>(parked);
            parked.clear();
            late.forEach(t -> sim.at(RESUME_MICROS, () -> run(t)));
        }

        @Override
        public ProcessState state() {
            return state;
        }

        @Override
        public void receive(Message m) {
            inbound.deliver(m);
        }

        /** As {@code SerialScheduler} does on an idle node: the message's task, and any it submits, run on the calling thread. */
        @Override
        public void receiveCall(Message m) {
            handlingCall = true;
            try {
                inbound.deliver(m); // through the operator's faults, as RmiServer hands a call's batch to the node
                Runnable next;
                while ((next = inCall.poll()) != null) {
                    run(next);
                }
            } finally {
                handlingCall = false;
            }
        }

        @Override
        public void undeliverable(int peer, Message m) {
            core.unreachable(peer, m);
        }
    }

    SimCluster(long seed, int size, String... settings) {
        this.sim = new Simulation(seed);
        this.lines = configLines(size, settings);
        this.config = parse(lines);
        this.network = new SimNetwork(sim, config.ids(), config.timings().rpcTimeoutMs() * Simulation.MICROS_PER_MILLI,
                nodes::get);
    }

    /** The cluster's configuration lines: its nodes, the simulation's fast timings, then {@code settings}. */
    private static List<String> configLines(int size, String... settings) {
        List<String> lines = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            lines.add("node." + id + "=127.0.0.1:" + (FIRST_PORT + id));
        }
        lines.add("heartbeat.interval.ms=50");
        lines.add("failure.timeout.ms=250");
        lines.add("lease.ms=500");
        lines.add("rpc.timeout.ms=100");
        lines.add("request.timeout.ms=3000");
        lines.addAll(List.of(settings));
        return lines;
    }

    private static ClusterConfig parse(List<String> lines) {
        try {
            return ClusterConfig.parse(lines, "sim.properties");
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Node {@code id}, when it next starts, reads its own file: the cluster's with {@code settings} added (a file edited
     * on one machine, as during a rolling change of a setting).
     */
    void ownSettings(int id, String... settings) {
        List<String> own = new ArrayList<>(lines);
        own.addAll(List.of(settings));
        ownConfigs.put(id, parse(own));
    }

    /** Starts (or restarts, after a crash) node {@code id} with its persisted epoch. */
    SimNode start(int id) {
        SimNode old = nodes.get(id);
        SimNode node = new SimNode(id, old == null ? 1 : old.incarnation + 1);
        nodes.put(id, node);
        EpochStore epochStore = epochStore(id);
        Transport.Inbox[] core = new Transport.Inbox[1];
        Transport transport = new FaultyTransport((to, m) -> network.send(id, to, m), node.faults, node,
                config.timings().rpcTimeoutMs(), new Transport.Inbox() {
                    @Override
                    public void deliver(Message m) {
                        core[0].deliver(m);
                    }

                    @Override
                    public void unreachable(int peer, Message m) {
                        core[0].unreachable(peer, m);
                    }
                });
        // The writer thread freezes with its process: a paused node's write happens only when it resumes. A crashed
        // node's appended batch stays in the store (the page cache survives a process), unanswered.
        LibraryWriter writer = (token, batch, listener) -> sim.at(writeDelayMicros, () -> node.run(() -> {
            List<Outcome> outcomes = store.apply(token, id, batch);
            if (outcomes == null) {
                listener.appended(new LibraryWriter.Result.Fenced(token, store.state().highestToken()));
                return;
            }
            listener.appended(new LibraryWriter.Result.Applied(outcomes));
            String failure = syncFailure;
            sim.at(syncDelayMicros, () -> node.run(failure == null ? listener::durable : () -> listener.notDurable(failure)));
        }));
        EventRecorder recorder = events == null ? EventRecorder.off(id, config.ids())
                : new EventRecorder(id, config.ids(), events, node::now, java.util.Optional.empty());
        node.core = new NodeCore(id, ownConfigs.getOrDefault(id, config), node, transport, epochStore, writer,
                node.incarnation * 1_000_000L, recorder);
        core[0] = node.core;
        node.inbound = FaultyTransport.inbound(node.core, node.faults);
        node.core.learnLibraryFence(store.state().highestToken()); // as ShelfNode does, from the shared library
        node.core.start();
        return node;
    }

    /** Nodes started from now on record their events into {@code sink}. */
    void recordEvents(EventSink sink) {
        events = sink;
    }

    void startAll() {
        for (int id : config.ids()) {
            start(id);
        }
    }

    // ---- the processes ----

    void crash(int id) {
        nodes.get(id).state = ProcessState.CRASHED;
    }

    void pause(int id) {
        nodes.get(id).state = ProcessState.PAUSED;
    }

    void resume(int id) {
        nodes.get(id).resume();
    }

    /** Resumes every paused node and restarts every crashed one. */
    void recoverAll() {
        for (int id : config.ids()) {
            if (state(id) == ProcessState.PAUSED) {
                resume(id);
            } else if (state(id) == ProcessState.CRASHED) {
                start(id);
            }
        }
    }

    // ---- the shared folder ----

    /** Each batch's append happens this long after its grant (the default is {@value #DEFAULT_WRITE_MICROS} µs). */
    void writeDelay(long micros) {
        writeDelayMicros = micros;
    }

    /** Each fsync returns this long after its append (the default is {@value #DEFAULT_SYNC_MICROS} µs). */
    void syncDelay(long micros) {
        syncDelayMicros = micros;
    }

    /** Every fsync from now on fails with {@code reason}; null makes them succeed again. */
    void failSyncs(String reason) {
        syncFailure = reason;
    }

    // ---- views ----

    /** Node {@code id}'s epoch store (its epoch file; it survives crashes): read it, or plant a value before a start. */
    EpochStore epochStore(int id) {
        return epochs.computeIfAbsent(id, i -> new EpochStore.InMemory());
    }

    /** Election rounds the current process of node {@code id} has begun. */
    long rounds(int id) {
        return status(id).counters().get("election.rounds");
    }

    ProcessState state(int id) {
        SimNode n = nodes.get(id);
        return n == null ? ProcessState.CRASHED : n.state;
    }

    List<Integer> upIds() {
        return nodes.values().stream().filter(n -> n.state == ProcessState.UP).map(n -> n.id).toList();
    }

    NodeCore.Term term(int id) {
        return nodes.get(id).core.termNow();
    }

    NodeStatus status(int id) {
        return nodes.get(id).core.statusNow();
    }

    /** True when every up node follows the highest up node in one epoch, and its lock server serves. */
    boolean agreed() {
        List<Integer> up = upIds();
        if (up.isEmpty()) {
            return false;
        }
        int highest = up.get(up.size() - 1);
        NodeCore.Term leader = term(highest);
        if (leader.role() != Role.COORDINATOR || leader.lockPhase() != LockPhase.SERVING) {
            return false;
        }
        return up.stream().map(this::term).allMatch(t -> t.coordinator() == highest && t.epoch() == leader.epoch());
    }

    /** Fails if two up nodes are coordinators of the same epoch right now. */
    void checkOneCoordinatorPerEpoch() {
        Map<Long, Integer> byEpoch = new HashMap<>();
        for (int id : upIds()) {
            NodeCore.Term t = term(id);
            if (t.role() == Role.COORDINATOR) {
                Integer other = byEpoch.put(t.epoch(), id);
                if (other != null) {
                    throw new AssertionError("seed " + sim.seed() + ": nodes " + other + " and " + id
                            + " are both coordinator of epoch " + t.epoch() + " at " + sim.nowMillis() + " ms");
                }
            }
        }
    }

    // ---- driving the nodes ----

    /** Submits a client command to a node; the future completes on the simulation thread. */
    CompletableFuture<Outcome> submit(int node, Command c) {
        return nodes.get(node).core.submit(c);
    }

    /** Node {@code node} holds the cluster lock for {@code millis}, as {@code admin hold} does. */
    CompletableFuture<shelf.fencing.FencingToken> hold(int node, long millis) {
        return nodes.get(node).core.holdLock(millis);
    }

    /** Makes node {@code id} start an election, as the admin command does. */
    void startElection(int id) {
        nodes.get(id).core.startElection("test");
    }

    /** Puts an operator's network faults on node {@code id}'s current process, as {@code admin partition} does. */
    void setFaults(int id, Faults faults) {
        nodes.get(id).faults.set(faults);
    }

    /**
     * {@code admin partition}: each node's faults block every node of the other sides (every node must be on one),
     * both ways at each node, as the command sets them.
     */
    @SafeVarargs
    final void partition(Set<Integer>... sides) {
        for (Set<Integer> side : sides) {
            Set<Integer> others = new TreeSet<>(config.ids());
            others.removeAll(side);
            side.forEach(id -> setFaults(id, nodes.get(id).faults.current().withBlocked(others)));
        }
    }

    /** {@code admin heal}: every current process healthy again. */
    void healFaults() {
        config.ids().stream().filter(nodes::containsKey).forEach(id -> setFaults(id, Faults.NONE));
    }

    /** Hands {@code m} straight to node {@code id}, past the network (a forged or very late message). */
    void inject(int id, Message m) {
        nodes.get(id).core.deliver(m);
    }
}
