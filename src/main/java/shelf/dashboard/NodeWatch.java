package shelf.dashboard;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import shelf.api.AdminService;
import shelf.api.NodeStatus;
import shelf.config.ConfigException;
import shelf.util.Throwables;

/**
 * Asks every node for its status, again and again, each on its own: a silent node (paused) costs only its own view,
 * which turns {@code paused} after {@code answerMs}, and is not asked again while its last call is still out. Stubs are
 * kept while they work and looked up afresh after a failure (a restarted node has a new one). {@link #poll} is called by
 * one poller thread; the views are read from any thread.
 */
final class NodeWatch {
    /** How the watch reaches node {@code id}'s admin service: an RMI lookup with the admin identity, or a mock. */
    @FunctionalInterface
    interface Connector {
        AdminService connect(int id) throws ConfigException, RemoteException, NotBoundException;
    }

    /** A status call out to a node, and when it was sent (System.nanoTime). */
    private record Call(Future<NodeStatus> future, long askedAt) {
    }

    private final Connector connector;
    private final Map<Integer, String> addresses;
    private final ExecutorService calls;
    private final long answerMs;
    private final Map<Integer, AdminService> stubs = new ConcurrentHashMap<>();
    private final Map<Integer, Call> pending = new ConcurrentHashMap<>();
    private final Map<Integer, NodeView> views = new ConcurrentHashMap<>();
    private final Map<Integer, NodeStatus> answers = new ConcurrentHashMap<>();

    NodeWatch(Connector connector, Map<Integer, String> addresses, ExecutorService calls, long answerMs) {
        this.connector = connector;
        this.addresses = Map.copyOf(addresses);
        this.calls = calls;
        this.answerMs = answerMs;
        addresses.forEach((id, a) -> views.put(id, NodeView.unknown(id, a)));
    }

    /**
     * Asks every node that has no call out, and takes the answers that come within {@code roundMs}; a node whose call has
     * been out for longer than {@code answerMs} turns {@code paused} (its call stays out, and it is not asked again until
     * that call ends), so a silent node slows no other node's view.
     */
    void poll(long roundMs) throws InterruptedException {
        long now = System.nanoTime();
        for (int id : addresses.keySet()) {
            pending.computeIfAbsent(id, k -> new Call(calls.submit(() -> stub(id).status()), now));
        }
        long end = now + roundMs * 1_000_000;
        for (int id : addresses.keySet()) {
            Call call = pending.get(id);
            try {
                NodeStatus s = call.future().get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                pending.remove(id);
                answers.put(id, s);
                views.put(id, NodeView.of(addresses.get(id), s));
            } catch (TimeoutException e) {
                if (System.nanoTime() - call.askedAt() > answerMs * 1_000_000) {
                    views.computeIfPresent(id, (k, v) -> v.as(NodeView.PAUSED, "no answer within " + answerMs + " ms"));
                    answers.remove(id);
                }
            } catch (ExecutionException e) {
                pending.remove(id);
                stubs.remove(id);
                answers.remove(id);
                views.computeIfPresent(id, (k, v) -> failed(v, e.getCause()));
            }
        }
    }

    private AdminService stub(int id) throws ConfigException, RemoteException, NotBoundException {
        AdminService s = stubs.get(id);
        if (s == null) {
            s = connector.connect(id);
            stubs.put(id, s);
        }
        return s;
    }

    private static NodeView failed(NodeView last, Throwable why) {
        return Throwables.rootCause(why) instanceof SocketTimeoutException ? last.as(NodeView.PAUSED, "no answer in time")
                : last.as(NodeView.UNREACHABLE, why(why));
    }

    /** Why a node could not be asked, in a few words. */
    static String why(Throwable why) {
        Throwable root = Throwables.rootCause(why);
        return root instanceof ConnectException ? "connection refused"
                : root instanceof SocketTimeoutException ? "no answer in time"
                : why instanceof NotBoundException ? "starting (no service yet)"
                : why instanceof SecurityException ? "refused the admin identity" : root.getClass().getSimpleName();
    }

    /** Every node as last seen, by id. */
    Map<Integer, NodeView> views() {
        return new java.util.TreeMap<>(views);
    }

    /** The statuses of the nodes that answered in the last round. */
    Iterable<NodeStatus> answers() {
        return java.util.List.copyOf(answers.values());
    }

    /** The admin service of node {@code id}, for a control (crash, election). */
    AdminService admin(int id) throws ConfigException, RemoteException, NotBoundException {
        return stub(id);
    }

    /** Forgets node {@code id}'s stub (after a restart or crash the next call looks it up afresh). */
    void forget(int id) {
        stubs.remove(id);
    }

    Optional<NodeView> view(int id) {
        return Optional.ofNullable(views.get(id));
    }
}
