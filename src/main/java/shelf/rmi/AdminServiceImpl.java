package shelf.rmi;

import java.rmi.server.RMIClientSocketFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.api.AdminService;
import shelf.api.Faults;
import shelf.api.NodeService;
import shelf.api.NodeStatus;
import shelf.api.UnavailableException;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.config.NodeAddress;
import shelf.election.Epochs;
import shelf.fencing.FencingToken;
import shelf.library.Book;
import shelf.library.HistoryRecord;
import shelf.library.LibraryStore;
import shelf.library.StoreException;
import shelf.library.StoreFault;
import shelf.lock.LockTable;
import shelf.node.FaultSwitch;
import shelf.node.LockCycles;
import shelf.node.Node;
import shelf.tls.Role;

/**
 * The operator's view of one node and the seed's admin operations. Called on RMI threads; it reaches the protocol
 * only through the narrow {@link Node} interface and waits for its futures with a timeout. Only admin certificates
 * may call ({@link Access#require}).
 */
final class AdminServiceImpl implements AdminService {
    private static final Logger log = LoggerFactory.getLogger(AdminServiceImpl.class);
    /** How long status waits for the protocol thread's snapshot; well inside an operator's read timeout. */
    private static final long STATUS_WAIT_MS = 5_000;
    /** How long crash lets its answer travel back before the process halts. */
    private static final long CRASH_ANSWER_MS = 50;
    /** The exit code of a crash: what a shell reports for a process killed by SIGKILL (128 + 9), as kill -9 would. */
    private static final int CRASH_EXIT_CODE = 137;
    /** The longest hold an operator may ask for, ten minutes. */
    private static final long MAX_HOLD_MS = 600_000;

    private final Node node;
    private final LibraryStore store;
    private final ClusterConfig config;
    private final RMIClientSocketFactory sockets;
    private final Access access;
    private final FaultSwitch faults;
    private final String me;
    /** The operators' holds under way here (running or waiting for the grant), for {@link #endHold}. */
    private final Map<CompletableFuture<FencingToken>, OperatorHold> operatorHolds = new ConcurrentHashMap<>();

    private record OperatorHold(long millis, long askedNanos) {
    }

    AdminServiceImpl(Node node, LibraryStore store, ClusterConfig config, RMIClientSocketFactory sockets, Access access,
                     FaultSwitch faults) {
        this.node = node;
        this.faults = faults;
        this.store = store;
        this.config = config;
        this.sockets = sockets;
        this.access = access;
        this.me = "node " + node.id();
    }

    /** Lets only an operator's certificate in (with tls=off, anyone). */
    private void admin(String method) {
        access.require("AdminService." + method, Role.ADMIN);
    }

    @Override
    public NodeStatus status() {
        admin("status");
        return snapshot();
    }

    private NodeStatus snapshot() {
        try {
            NodeStatus s = node.status().get(STATUS_WAIT_MS, TimeUnit.MILLISECONDS);
            s.counters().putAll(JvmCounters.counters());
            s.counters().putAll(access.counters());
            access.warnIfExpiring();
            return s.withFaults(faultsInForce());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(me + " interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(me + " did not answer status in time: " + e);
        }
    }

    @Override
    public String ping(int nodeId) {
        admin("ping");
        if (nodeId == node.id()) {
            throw new IllegalArgumentException("node " + nodeId + " is this node; ping another id from " + config.ids());
        }
        NodeAddress target;
        try {
            target = config.require(nodeId);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        long started = System.nanoTime();
        try {
            NodeService peer = Stubs.lookup(target, NodeService.class, sockets);
            peer.membership();
            double ms = (System.nanoTime() - started) / 1e6;
            String answer = String.format(Locale.US, "node %d at %s answered %s in %.2f ms", nodeId, target, me, ms);
            log.info("{}: admin ping: {}", me, answer);
            return answer;
        } catch (Exception e) {
            String answer = String.format(Locale.US, "node %d at %s did not answer %s: %s", nodeId, target, me,
                    e.getClass().getSimpleName());
            log.info("{}: admin ping: {}", me, answer);
            return answer;
        }
    }

    @Override
    public String startElection() {
        admin("startElection");
        log.info("{}: admin asked for an election", me);
        node.startElection("asked by admin");
        return me + " started an election (or one was already under way)";
    }

    @Override
    public String crash() {
        admin("crash");
        log.warn("{}: admin asked for a crash; halting the process now", me);
        Thread halt = new Thread(() -> {
            node.crashRequested(); // at most a few tens of milliseconds, inside the moment the answer needs anyway
            try {
                Thread.sleep(CRASH_ANSWER_MS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(CRASH_EXIT_CODE);
        }, "crash");
        halt.start();
        return me + " is crashing";
    }

    @Override
    public List<Book> books() throws UnavailableException {
        admin("books");
        try {
            return store.books();
        } catch (StoreException e) {
            throw new UnavailableException(me + " cannot read the library: " + e.getMessage());
        }
    }

    @Override
    public LockTable lockTable() {
        admin("lockTable");
        return snapshot().lock();
    }

    @Override
    public String holdLock(long millis) throws UnavailableException {
        admin("holdLock");
        if (millis < 0 || millis > MAX_HOLD_MS) {
            throw new IllegalArgumentException("hold between 0 and " + MAX_HOLD_MS + " ms, not " + millis);
        }
        log.info("{}: admin asked to hold the cluster lock for {} ms", me, millis);
        long started = System.nanoTime();
        CompletableFuture<FencingToken> hold = node.holdLock(millis);
        operatorHolds.put(hold, new OperatorHold(millis, started));
        try {
            FencingToken token = awaitHold(me, hold, config.timings().requestTimeoutMs() + millis,
                    config.timings().heartbeatIntervalMs());
            return String.format(Locale.US,
                    "%s held the cluster lock for %d ms with token %s (%d ms after asking)", me, millis, token,
                    (System.nanoTime() - started) / 1_000_000 - millis);
        } catch (CancellationException e) {
            return String.format(Locale.US, "%s's hold of %d ms was ended early by an operator, %d ms after asking", me,
                    millis, (System.nanoTime() - started) / 1_000_000);
        } finally {
            operatorHolds.remove(hold);
        }
    }

    @Override
    public String endHold() {
        admin("endHold");
        List<String> ended = new ArrayList<>();
        operatorHolds.forEach((hold, asked) -> {
            if (hold.cancel(false)) {
                ended.add(String.format(Locale.US, "%d ms asked %d ms ago", asked.millis(),
                        (System.nanoTime() - asked.askedNanos()) / 1_000_000));
            }
        });
        if (ended.isEmpty()) {
            return me + " has no operator hold to end";
        }
        log.info("{}: admin ended {} operator hold(s) early: {}", me, ended.size(), ended);
        return me + " ended " + (ended.size() == 1 ? "an operator hold" : ended.size() + " operator holds") + " early ("
                + String.join("; ", ended) + "): a running hold released the lock, a waiting one was withdrawn";
    }

    @Override
    public String repairFence() throws UnavailableException {
        admin("repairFence");
        String operator = Caller.current().map(c -> c.identity().name()).orElse("an operator (tls=off)");
        NodeStatus term = snapshot();
        if (term.role() == shelf.election.Role.CANDIDATE || term.epoch() <= 0) {
            throw new UnavailableException(me + " is in no term yet (an election is under way): repair the fence once"
                    + " a coordinator is elected");
        }
        FencingToken to = new FencingToken(term.epoch(), 0);
        try {
            FencingToken fence = store.highestToken();
            if (fence.epoch() <= term.epoch()) {
                throw new IllegalArgumentException("the library's fence " + fence + " is not ahead of this term (epoch "
                        + term.epoch() + "): nothing to repair");
            }
            if (Epochs.passable(fence.epoch())) {
                // A fence an election can pass may be a newer term's (the other side of a partition): never lowered.
                throw new IllegalArgumentException("the library's fence " + fence + " is ahead of this term (epoch "
                        + term.epoch() + ") but an election can pass it: run admin elect (the next term lies above it)");
            }
            HistoryRecord record = store.repairFence(to, node.id(), operator);
            log.warn("{}: fence repaired by {}: the library's fence {} -> {} (history record {})", me,
                    Caller.current().map(String::valueOf).orElse(operator), fence, to, record.seq());
            return me + " repaired the library's fence: " + fence + " -> " + to + " (history record " + record.seq()
                    + ", by " + operator + ")";
        } catch (StoreException e) {
            throw new UnavailableException(me + " cannot repair the library's fence: " + e.getMessage());
        }
    }

    @Override
    public long[] lockCycles(int cycles) throws UnavailableException {
        admin("lockCycles");
        if (cycles < 1 || cycles > MAX_CYCLES) {
            throw new IllegalArgumentException("between 1 and " + MAX_CYCLES + " cycles, not " + cycles);
        }
        long cycleMs = config.timings().requestTimeoutMs();
        return LockCycles.start(node, cycles).await(me, cycleMs, cycleMs + cycles * MS_PER_CYCLE);
    }

    @Override
    public Faults faults() {
        admin("faults");
        return faults.current();
    }

    @Override
    public Faults setFaults(Faults next) {
        admin("setFaults");
        if (next == null) {
            throw new IllegalArgumentException("no faults (Faults.NONE heals)");
        }
        for (int peer : next.blocked()) {
            if (peer != node.id() && config.node(peer).isEmpty()) {
                throw new IllegalArgumentException("node " + peer + " is not in " + config.source() + " " + config.ids());
            }
        }
        return faults.set(next);
    }

    @Override
    public String injectStoreFault(String kind) {
        admin("injectStoreFault");
        StoreFault fault = StoreFault.parse(kind);
        StoreFault before = store.injectedFault();
        try {
            store.injectFault(fault);
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException(me + "'s library (" + config.store().kind() + ") takes no injected "
                    + fault.label() + " failures: with PostgreSQL, stop the database instead");
        }
        if (before != fault) {
            log.warn("{}: store fault now {} (was {})", me, fault.label(), before.label());
        }
        return me + ": store fault " + fault.label() + " (was " + before.label() + ")" + switch (fault) {
            case NONE -> "";
            case WRITE -> ": every write of this node fails, nothing applied, until cleared";
            case FSYNC -> ": every fsync of this node fails, the outcome unknown to the client, until cleared";
        };
    }

    /** The node's faults in one line: its network's, and its store's when one is injected. */
    private String faultsInForce() {
        String network = faults.current().describe();
        StoreFault stored = store.injectedFault();
        if (stored == StoreFault.NONE) {
            return network;
        }
        return (network.equals("none") ? "" : network + "; ") + "store " + stored.label() + " failures";
    }

    /**
     * The hold's token, or why there is none. A node paused (SIGSTOP) past {@code millis} wakes with this wait and its
     * lease check both due, and this wait would win: the hold gets {@code graceMs} (a heartbeat interval, in which the
     * lease check runs) to say what happened, a lease lost, before the answer is the bare deadline.
     */
    static <T> T awaitHold(String me, CompletableFuture<T> hold, long millis, long graceMs) throws UnavailableException {
        try {
            try {
                return hold.get(millis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return hold.get(graceMs, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            hold.cancel(false); // nobody waits for it any more: it must not take the lock later
            Thread.currentThread().interrupt();
            throw new UnavailableException(me + " was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnavailableException u) {
                throw u; // the node says what happened (a hold whose lease was lost)
            }
            throw new UnavailableException(me + " could not finish with the cluster lock within " + millis + " ms");
        } catch (TimeoutException e) {
            // Withdrawn (or ended, if granted since): a hold nobody waits for would otherwise take the lock later.
            hold.cancel(false);
            throw new UnavailableException(me + " could not finish with the cluster lock within " + millis + " ms;"
                    + " the hold is withdrawn");
        }
    }
}
