package shelf.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;
import shelf.api.NodeStatus;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.election.EpochStore;
import shelf.election.Role;
import shelf.library.Command;
import shelf.library.Outcome;
import shelf.lock.LockPhase;
import shelf.lock.LockServer;
import shelf.node.LibraryWriter;
import shelf.node.NodeCore;
import shelf.protocol.Message;
import shelf.protocol.Scheduler;
import shelf.protocol.Transport;

/**
 * A simulated cluster: real {@link NodeCore}s on virtual time, an in-memory network with seeded delay,
 * loss and duplication, a firewall (blocked links, partitions), and crash, pause (SIGSTOP) and resume
 * (SIGCONT) as a real node process would experience them:
 * <ul>
 *   <li>a message to a crashed node is reported unreachable at once (connection refused);</li>
 *   <li>a message across a blocked link, or to a paused node, is reported unreachable after the RPC
 *       timeout; one to a paused node may still be processed when it resumes (it sat in the socket);</li>
 *   <li>a paused node's timers and queued tasks run, late, when it resumes.</li>
 * </ul>
 */
final class SimCluster {
    enum State { UP, PAUSED, CRASHED }

    final Simulation sim;
    final SimStore store = new SimStore();
    final ClusterConfig config;
    private final Map<Integer, SimNode> nodes = new TreeMap<>();
    private final Map<Integer, EpochStore> epochs = new HashMap<>();
    private final Set<Long> blocked = new HashSet<>();
    double lossRate;
    double duplicateRate;
    long maxDelayMicros = 2_000;
    /** From a grant to the batch's append (the lock can go then). */
    long writeDelayMicros = 300;
    /** From the append to its fsync's return (the clients are answered then). */
    long syncDelayMicros = 300;
    /** When set, every fsync fails with this reason. */
    String syncFailure;
    /** Messages matching this are dropped silently (for targeted scenarios). */
    BiPredicate<Integer, Message> dropFilter = (to, m) -> false;
    /** Messages matching this are reported undeliverable to their sender after the RPC timeout. */
    BiPredicate<Integer, Message> failFilter = (to, m) -> false;
    /** Called for every message a node sends, before it travels (for scenarios that crash a node mid-step). */
    BiPredicate<Integer, Message> onSend = (to, m) -> false;

    /** One simulated node process. */
    final class SimNode implements Scheduler {
        final int id;
        final int incarnation;
        State state = State.UP;
        NodeCore core;
        private final List<Runnable> parked = new ArrayList<>();

        SimNode(int id, int incarnation) {
            this.id = id;
            this.incarnation = incarnation;
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
            sim.at(10, () -> run(task));
        }

        @Override
        public void schedule(long delayMs, Runnable task) {
            sim.at(delayMs * 1000, () -> run(task));
        }

        private void run(Runnable task) {
            if (!current() || state == State.CRASHED) {
                return;
            }
            if (state == State.PAUSED) {
                parked.add(task);
                return;
            }
            task.run();
        }

        void resume() {
            state = State.UP;
            List<Runnable> late = new ArrayList<>(parked);
            parked.clear();
            late.forEach(t -> sim.at(1, () -> run(t)));
        }
    }

    SimCluster(long seed, int size, String... settings) {
        this.sim = new Simulation(seed);
        List<String> lines = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            lines.add("node." + id + "=127.0.0.1:" + (20000 + id));
        }
        lines.add("heartbeat.interval.ms=50");
        lines.add("failure.timeout.ms=250");
        lines.add("lease.ms=500");
        lines.add("rpc.timeout.ms=100");
        lines.add("request.timeout.ms=3000");
        lines.addAll(List.of(settings));
        try {
            this.config = ClusterConfig.parse(lines, "sim.properties");
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Starts (or restarts, after a crash) node {@code id} with its persisted epoch. */
    SimNode start(int id) {
        SimNode old = nodes.get(id);
        SimNode node = new SimNode(id, old == null ? 1 : old.incarnation + 1);
        nodes.put(id, node);
        EpochStore epochStore = epochs.computeIfAbsent(id, i -> new EpochStore.InMemory());
        Transport transport = (to, m) -> send(id, to, m);
        // The writer thread freezes with its process: a paused node's write happens only when it resumes. A crashed
        // node's appended batch stays in the store (the page cache survives a process), unanswered.
        LibraryWriter writer = (token, batch, listener) -> sim.at(writeDelayMicros, () -> node.run(() -> {
            List<Outcome> outcomes = store.apply(token, id, batch);
            if (outcomes == null) {
                listener.appended(new LibraryWriter.Result.Fenced("token " + token + " is stale"));
                return;
            }
            listener.appended(new LibraryWriter.Result.Applied(outcomes));
            String failure = syncFailure;
            sim.at(syncDelayMicros, () -> node.run(failure == null ? listener::durable : () -> listener.notDurable(failure)));
        }));
        node.core = new NodeCore(id, config, node, transport, epochStore, writer, node.incarnation * 1_000_000L);
        node.core.start();
        return node;
    }

    void startAll() {
        for (int id : config.ids()) {
            start(id);
        }
    }

    private void send(int from, int to, Message m) {
        if (onSend.test(to, m)) {
            return;
        }
        SimNode sender = nodes.get(from);
        SimNode target = nodes.get(to);
        long rpcMicros = config.timings().rpcTimeoutMs() * 1000;
        if (target == null || target.state == State.CRASHED) {
            sim.at(200, () -> sender.core.unreachable(to, m));
            return;
        }
        if (blocked.contains(link(from, to)) || failFilter.test(to, m)) {
            sim.at(rpcMicros, () -> sender.core.unreachable(to, m));
            return;
        }
        if (dropFilter.test(to, m) || sim.random().nextDouble() < lossRate) {
            return;
        }
        if (target.state == State.PAUSED) {
            sim.at(rpcMicros, () -> sender.core.unreachable(to, m));
            if (sim.random().nextBoolean()) {
                deliver(target, m);
            }
            return;
        }
        deliver(target, m);
        if (sim.random().nextDouble() < duplicateRate) {
            deliver(target, m);
        }
    }

    private void deliver(SimNode target, Message m) {
        long delay = 50 + (long) (sim.random().nextDouble() * maxDelayMicros);
        sim.at(delay, () -> target.core.deliver(m));
    }

    private static long link(int a, int b) {
        return ((long) Math.min(a, b) << 32) | Math.max(a, b);
    }

    // ---- failures ----

    void crash(int id) {
        nodes.get(id).state = State.CRASHED;
    }

    void pause(int id) {
        nodes.get(id).state = State.PAUSED;
    }

    void resume(int id) {
        nodes.get(id).resume();
    }

    /** Splits the cluster: no message crosses between {@code side} and the rest until {@link #heal}. */
    void partition(Set<Integer> side) {
        for (int a : side) {
            for (int b : config.ids()) {
                if (!side.contains(b)) {
                    blocked.add(link(a, b));
                }
            }
        }
    }

    void heal() {
        blocked.clear();
    }

    // ---- views ----

    SimNode node(int id) {
        return nodes.get(id);
    }

    State state(int id) {
        SimNode n = nodes.get(id);
        return n == null ? State.CRASHED : n.state;
    }

    List<Integer> upIds() {
        return nodes.values().stream().filter(n -> n.state == State.UP).map(n -> n.id).toList();
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

    /** Submits a client command to a node; the future completes on the simulation thread. */
    CompletableFuture<Outcome> submit(int node, Command c) {
        return nodes.get(node).core.submit(c);
    }
}
