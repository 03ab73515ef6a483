package shelf.cli;

import java.io.PrintStream;
import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.api.LibraryService;
import shelf.api.UnavailableException;
import shelf.config.NodeAddress;
import shelf.library.AccessRefusedException;
import shelf.util.ExitCodes;
import shelf.util.Throwables;

/**
 * A client's way to the library: every node of the configuration, the one that served last (at first the preferred
 * one, {@code -n}) tried first, then the others in configuration order, unless failover is off.
 *
 * <p>How long a node may stay silent (DESIGN §4, the issue "clients that keep working while the cluster is failing"):
 * <ul>
 *   <li>A node must <em>answer</em> within {@link Timeouts#answerMs} (the {@code --timeout}; by default the
 *   configuration's {@code rpc.timeout.ms}, at least 1 s): the registry lookup of a stub, or, for a stub looked up
 *   earlier that has not answered in the last {@link #PROBE_AFTER_MS}, a cheap probe ({@code authenticationRequired})
 *   just before the call. A node that is down (refused), paused (SIGSTOP: the kernel accepts, nothing answers) or
 *   restarted (stale stub) fails this step within that time, and the client moves on.</li>
 *   <li>A node that has just answered gets up to {@link Timeouts#callMs} for the call itself (the node's own request
 *   timeout plus the grace it needs to say "unavailable" itself), reads and writes alike: a write may legitimately
 *   wait that long for the cluster lock, and a read that follows a live probe by microseconds is not worth a second,
 *   shorter rule. After {@link #WAIT_NOTICE_MS} the client says on stderr which node it is waiting for.</li>
 * </ul>
 * A call that fails on one node (unreachable, silent, "unavailable") is sent to the next <em>unchanged</em>: a change
 * keeps its {@code Command} and so its request id, which nodes de-duplicate, so it is applied at most once; a session
 * ticket is valid on every node and is sent again as it is. A refusal by the library's rules or authentication
 * ({@link AccessRefusedException}), a refusal of this client's TLS key or certificate (exit 4) and a malformed request
 * ({@link IllegalArgumentException}) are answers, not failures: they end the call. When a node other than the one
 * asked served, one line on stderr says which and why.
 *
 * <p>Not thread-safe: one session's calls, one at a time. Each remote call runs on a daemon thread, so a call
 * abandoned to a silent node never holds the client up.
 */
final class LibraryConnection {
    private static final Logger log = LoggerFactory.getLogger(LibraryConnection.class);

    /** After this long without an answer, the client says on stderr which node it is waiting for. */
    static final long WAIT_NOTICE_MS = 1_000;
    /** A stub that answered more recently than this is used without a probe. */
    static final long PROBE_AFTER_MS = 1_000;

    private static final ExecutorService CALLS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "shelf-client-call");
        t.setDaemon(true);
        return t;
    });

    /** How a connection finds node {@code node}'s library service: an RMI lookup, or a mock in tests. */
    @FunctionalInterface
    interface Lookup {
        LibraryService lookup(NodeAddress node) throws RemoteException, NotBoundException;
    }

    /** One request, as sent to whichever node serves it. */
    @FunctionalInterface
    interface Attempt<T> {
        T on(LibraryService library) throws RemoteException, UnavailableException, AccessRefusedException;
    }

    /**
     * The client's deadlines.
     *
     * @param answerMs how long a node has to answer a lookup or a probe before the client moves on
     * @param callMs   how long a node that has answered may take over the call itself
     * @param probeAfterMs a stub silent for longer than this is probed before a call
     */
    record Timeouts(long answerMs, long callMs, long probeAfterMs) {
    }

    /** Why one node could not serve; {@code stale} when a fresh lookup of the node may help. */
    private static final class NodeFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean stale;
        /** The node did not answer in time (paused, or only slow: a loaded machine, a cold TLS handshake). */
        private final boolean silent;

        NodeFailure(String message, boolean stale, boolean silent) {
            super(message, null, false, false);
            this.stale = stale;
            this.silent = silent;
        }
    }

    /** What a node served: a holder, since a served value may be anything. */
    private record Served<T>(T value) {
    }

    private final Map<Integer, NodeAddress> nodes = new LinkedHashMap<>();
    private final Lookup lookup;
    private final boolean failover;
    private final Timeouts timeouts;
    private final PrintStream err;
    private final Map<Integer, LibraryService> stubs = new HashMap<>();
    private final Map<Integer, Long> answeredAt = new HashMap<>();
    private NodeAddress current;
    /** For the client log: the node asked first since {@link #beginRequest}, and the node that served the last call. */
    private NodeAddress asked;
    private NodeAddress served;
    /** How this connection's log lines begin, as the session's own do: {@code client alice}. */
    private String logName = "client";

    /**
     * @param nodes     every node of the configuration, in its order
     * @param preferred the node to ask first ({@code -n}); one of {@code nodes}
     * @param failover  false: only ever ask the current node ({@code --no-failover})
     */
    LibraryConnection(List<NodeAddress> nodes, int preferred, Lookup lookup, boolean failover, Timeouts timeouts,
                      PrintStream err) {
        nodes.forEach(n -> this.nodes.put(n.id(), n));
        this.current = this.nodes.get(preferred);
        if (current == null) {
            throw new IllegalArgumentException("node " + preferred + " is not in the configuration");
        }
        this.lookup = lookup;
        this.failover = failover;
        this.timeouts = timeouts;
        this.err = err;
    }

    /** Log this connection's failovers as {@code user}'s, in the lines of the session it serves. */
    void logAs(String user) {
        logName = "client " + user;
    }

    /** The node asked first: the one that served last, or the preferred one. */
    NodeAddress current() {
        return current;
    }

    /** Makes node {@code id} the one asked first (the prompt's {@code node <id>}); a usage error if unknown. */
    NodeAddress prefer(int id) {
        NodeAddress node = nodes.get(id);
        if (node == null) {
            throw new CliException(ExitCodes.USAGE, "no node " + id + " in the configuration (nodes: "
                    + String.join(", ", nodes.keySet().stream().map(String::valueOf).toList()) + ")");
        }
        current = node;
        return node;
    }

    /** Starts a new request for {@link #route}: no node asked, none served yet. */
    void beginRequest() {
        asked = null;
        served = null;
    }

    /** For the client log: "asked node 1, served by node 2" since {@link #beginRequest} ("served by none" if none did). */
    String route() {
        return (asked == null ? "no node asked" : "asked node " + asked.id()) + ", served by "
                + (served == null ? "none" : "node " + served.id());
    }

    /** The ids of the configured nodes, in configuration order. */
    List<Integer> ids() {
        return List.copyOf(nodes.keySet());
    }

    /**
     * Sends {@code attempt} to the current node, then (failover on) to each other node until one serves.
     *
     * @throws CliException           exit 3, when no node could serve
     * @throws AccessRefusedException the node refused (authentication); not retried elsewhere
     */
    <T> T call(Attempt<T> attempt) throws AccessRefusedException {
        if (asked == null) {
            asked = current;
        }
        served = null; // the request's outcome is its last call's: a login that was served does not make a failed change served
        List<String> failures = new ArrayList<>();
        List<NodeAddress> silent = new ArrayList<>();
        for (NodeAddress node : order()) {
            Served<T> served = tryNode(node, attempt, timeouts.answerMs, failures, silent);
            if (served != null) {
                return served.value;
            }
        }
        // Nobody served, and some nodes were only silent: on a loaded machine (or a cold TLS handshake) a live node
        // can miss the short answer time. Before giving up, they get the patience of a call, all at once (one after
        // the other, five paused nodes cost five times that), and the first that answers is asked; a paused one still
        // fails.
        Optional<NodeAddress> awake = silent.isEmpty() ? Optional.empty() : firstToAnswer(silent, failures);
        if (awake.isPresent()) {
            Served<T> served = tryNode(awake.get(), attempt, timeouts.callMs, failures, new ArrayList<>());
            if (served != null) {
                return served.value;
            }
        }
        if (!failover) {
            throw new CliException(ExitCodes.UNAVAILABLE, failures.get(0) + "; " + suggestion());
        }
        throw new CliException(ExitCodes.UNAVAILABLE, "no node could serve: " + String.join("; ", failures));
    }

    /** A node that answered {@link #firstToAnswer}'s probe, and its stub. */
    private record Awake(NodeAddress node, LibraryService stub) {
    }

    /**
     * Of {@code silent} nodes, the first whose lookup and probe answer within {@code callMs}, all asked at once; its stub
     * is kept for the call that follows. Only reads go to several nodes at once: the request itself goes to that one.
     * Each node that did not answer is a failure.
     */
    private Optional<NodeAddress> firstToAnswer(List<NodeAddress> silent, List<String> failures) {
        CompletionService<Awake> probes = new ExecutorCompletionService<>(CALLS);
        Map<NodeAddress, Future<Awake>> asked = new LinkedHashMap<>();
        for (NodeAddress node : silent) {
            asked.put(node, probes.submit(() -> {
                LibraryService stub = lookup.lookup(node);
                stub.authenticationRequired();
                return new Awake(node, stub);
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeouts.callMs);
        try {
            for (int left = silent.size(); left > 0; left--) {
                Future<Awake> done = next(probes, deadline, silent);
                if (done == null) {
                    break;
                }
                try {
                    Awake a = done.get();
                    stubs.put(a.node().id(), a.stub());
                    answeredAt.put(a.node().id(), System.nanoTime());
                    return Optional.of(a.node());
                } catch (ExecutionException e) {
                    NodeAddress node = asked.entrySet().stream().filter(en -> en.getValue() == done).findFirst()
                            .orElseThrow().getKey();
                    failures.add(failureOf(node, e.getCause()));
                    asked.remove(node);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNAVAILABLE, "interrupted while waiting for nodes " + ids(silent));
        } finally {
            asked.values().forEach(f -> f.cancel(true));
        }
        asked.forEach((node, f) -> {
            if (f.isCancelled()) { // still unanswered when the patience ran out
                failures.add("node " + node.id() + " at " + node + " did not answer within " + timeouts.callMs
                        + " ms (paused or overloaded?)");
            }
        });
        return Optional.empty();
    }

    /** The next probe to end by {@code deadline}, or null; after a second without one, says on stderr who is awaited. */
    private Future<Awake> next(CompletionService<Awake> probes, long deadline, List<NodeAddress> silent)
            throws InterruptedException {
        long waitMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        Future<Awake> done = probes.poll(Math.min(waitMs, WAIT_NOTICE_MS), TimeUnit.MILLISECONDS);
        if (done != null || waitMs <= WAIT_NOTICE_MS) {
            return done;
        }
        err.println("waiting for node" + (silent.size() > 1 ? "s " : " ") + ids(silent) + " ...");
        return probes.poll(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
    }

    /** Why a probe of {@code node} failed, for the final message. */
    private static String failureOf(NodeAddress node, Throwable cause) {
        try {
            return failure(node, cause).getMessage();
        } catch (AccessRefusedException e) {
            return e.getMessage();
        }
    }

    private static String ids(List<NodeAddress> nodes) {
        return String.join(", ", nodes.stream().map(n -> String.valueOf(n.id())).toList());
    }

    /** One node's try: what it served, or null after noting why it could not (and whether it was only silent). */
    private <T> Served<T> tryNode(NodeAddress node, Attempt<T> attempt, long answerMs, List<String> failures,
                                  List<NodeAddress> silent) throws AccessRefusedException {
        try {
            T result = onNode(node, attempt, answerMs);
            if (!failures.isEmpty()) {
                if (node.id() != current.id()) { // the node asked serving after a wait is no news on stderr
                    err.println("served by node " + node.id() + " (" + String.join("; ", failures) + ")");
                }
                log.info("{}: served by node {} after: {}", logName, node.id(), failures);
            }
            current = node;
            served = node;
            return new Served<>(result);
        } catch (NodeFailure f) {
            log.info("{}: node {} could not serve: {}", logName, node.id(), f.getMessage());
            failures.add(f.getMessage());
            if (f.silent) {
                silent.add(node);
            }
            return null;
        }
    }

    private List<NodeAddress> order() {
        if (!failover) {
            return List.of(current);
        }
        List<NodeAddress> order = new ArrayList<>();
        order.add(current);
        nodes.values().stream().filter(n -> n.id() != current.id()).forEach(order::add);
        return order;
    }

    private String suggestion() {
        return nodes.keySet().stream().filter(id -> id != current.id()).findFirst()
                .map(id -> "try another node, e.g. -n " + id).orElse("no other node is configured");
    }

    /** The call on one node: a stub (looked up, or probed if silent a while), then the call; one fresh try if stale. */
    private <T> T onNode(NodeAddress node, Attempt<T> attempt, long answerMs) throws NodeFailure, AccessRefusedException {
        boolean retried = false;
        while (true) {
            LibraryService cached = stubs.get(node.id());
            try {
                LibraryService stub = cached != null ? cached : timed(node, () -> lookup.lookup(node), answerMs);
                stubs.put(node.id(), stub);
                Long last = answeredAt.get(node.id());
                if (cached != null && (last == null || System.nanoTime() - last > timeouts.probeAfterMs * 1_000_000)) {
                    timed(node, stub::authenticationRequired, answerMs);
                }
                T result = timed(node, () -> attempt.on(stub), timeouts.callMs);
                answeredAt.put(node.id(), System.nanoTime());
                return result;
            } catch (NodeFailure f) {
                stubs.remove(node.id());
                answeredAt.remove(node.id());
                if (!f.stale || cached == null || retried) {
                    throw f;
                }
                retried = true; // a cached stub of a node that restarted: look it up again, once
            }
        }
    }

    /** Runs {@code call} on its own thread and waits at most {@code deadlineMs} for it. */
    private <T> T timed(NodeAddress node, Callable<T> call, long deadlineMs) throws NodeFailure, AccessRefusedException {
        Future<T> future = CALLS.submit(call);
        try {
            if (deadlineMs > WAIT_NOTICE_MS) {
                try {
                    return future.get(WAIT_NOTICE_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    err.println("waiting for node " + node.id() + " at " + node + " ...");
                }
            }
            return future.get(Math.max(1, deadlineMs - (deadlineMs > WAIT_NOTICE_MS ? WAIT_NOTICE_MS : 0)),
                    TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new NodeFailure("node " + node.id() + " at " + node + " did not answer within " + deadlineMs
                    + " ms (paused or overloaded?)", false, true);
        } catch (ExecutionException e) {
            throw failure(node, e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNAVAILABLE, "interrupted while waiting for node " + node.id());
        }
    }

    /** What a call's exception means: a node failure to fail over from, or an answer to pass on. */
    private static NodeFailure failure(NodeAddress node, Throwable cause) throws AccessRefusedException {
        if (cause instanceof AccessRefusedException refused) {
            throw refused;
        }
        if (Denied.byTls(cause)) {
            // The node refused this client's key (or the client refused the node's): every node would; say it once.
            throw new CliException(ExitCodes.DENIED, Denied.message(node, cause));
        }
        if (cause instanceof UnavailableException unavailable) {
            return new NodeFailure(unavailable.getMessage(), false, false);
        }
        if (cause instanceof RemoteException remote) {
            return new NodeFailure(unreachable(node, remote), true,
                    Throwables.rootCause(remote) instanceof java.net.SocketTimeoutException);
        }
        if (cause instanceof NotBoundException) {
            return new NodeFailure("node " + node.id() + " at " + node + " is not serving clients yet", false, false);
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw new IllegalStateException(cause);
    }

    /** One line on why {@code node} could not be reached. */
    static String unreachable(NodeAddress node, RemoteException e) {
        Throwable root = Throwables.rootCause(e);
        String why = root instanceof java.net.SocketTimeoutException ? "did not answer in time"
                : root instanceof java.net.ConnectException ? "is not running (connection refused)"
                : root instanceof java.io.InvalidClassException ? "sent an answer this client refused to read (its "
                        + "serialization filter: " + root.getMessage() + "; is it a Shelf node?)"
                : "could not be reached (" + root.getClass().getSimpleName() + ")";
        return "node " + node.id() + " at " + node + " " + why;
    }
}
