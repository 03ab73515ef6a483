package shelf.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import shelf.api.LibraryService;
import shelf.config.ClusterConfig;
import shelf.config.NodeAddress;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.Outcome;
import shelf.library.Page;
import shelf.rmi.Stubs;
import shelf.util.Throwables;

/**
 * One chaos client's way to the library, as the CLI client's failover works (README, "Clients that keep working"): the
 * node that served last is asked first, then the others in turn, each call sent <em>unchanged</em> (a command keeps its
 * request id, which nodes de-duplicate); a stub silent for a while is probed with a short deadline before a call, so a
 * paused node costs about a second, not a call's whole timeout. Unlike the CLI it keeps going round the nodes until its
 * patience runs out, and says which node answered and how.
 *
 * <p>Not thread-safe: one client's calls, one at a time. Each remote call runs on a daemon thread, so a call abandoned to
 * a silent node never holds the client up.
 */
final class FailoverClient {
    /** How long a node has to answer a lookup or a probe. */
    static final long ANSWER_MS = 1_500;
    /** A stub that answered more recently than this is used without a probe. */
    private static final long PROBE_AFTER_MS = 1_000;
    /** The pause after a round in which no node served, before the next. */
    private static final long ROUND_PAUSE_MS = 200;

    private static final ExecutorService CALLS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "chaos-client-call");
        t.setDaemon(true);
        return t;
    });

    /** What became of one command: the result, the node that answered (-1: none), its sentence or why none answered. */
    record Answer(Result result, int node, String message) {
    }

    private interface Attempt<T> {
        T on(LibraryService library) throws Exception;
    }

    /** Why one node could not serve. */
    private static final class NodeFailure extends Exception {
        private static final long serialVersionUID = 1L;

        NodeFailure(String message) {
            super(message, null, false, false);
        }
    }

    private final List<NodeAddress> nodes;
    private final long callMs;
    private final Map<Integer, LibraryService> stubs = new HashMap<>();
    private final Map<Integer, Long> answeredAt = new HashMap<>();
    private int current;

    /** A client that asks node {@code first} (an index into the configuration's nodes) first. */
    FailoverClient(ClusterConfig config, int first) {
        this.nodes = new ArrayList<>(config.nodes().values());
        this.current = Math.floorMod(first, nodes.size());
        // A node lets an operation wait up to its request timeout for the cluster, then answers itself; a little more.
        this.callMs = config.timings().requestTimeoutMs() + 2_000;
    }

    /** Sends {@code command} round the nodes until one answers, or {@code deadlineNs} ({@link System#nanoTime}) passes. */
    Answer execute(Command command, long deadlineNs) throws InterruptedException {
        Served<Outcome> served = untilServed(library -> library.execute(command), deadlineNs);
        if (served.value == null) {
            return new Answer(Result.UNKNOWN, -1, served.why);
        }
        return new Answer(served.value.ok() ? Result.OK : Result.REFUSED, served.node, served.value.message());
    }

    /** The library's whole history, page by page, from whichever node answers. */
    List<HistoryRecord> history(long deadlineNs) throws InterruptedException {
        List<HistoryRecord> all = new ArrayList<>();
        while (true) {
            long after = all.isEmpty() ? 0 : all.get(all.size() - 1).seq();
            Served<Page<HistoryRecord>> page = untilServed(library -> library.history(null, after, LibraryService.MAX_PAGE),
                    deadlineNs);
            if (page.value == null) {
                throw new IllegalStateException("no node served the history: " + page.why);
            }
            all.addAll(page.value.items());
            if (!page.value.more()) {
                return all;
            }
        }
    }

    /** What a node served (null when none did before the deadline), which node, or why none did. */
    private record Served<T>(T value, int node, String why) {
    }

    private <T> Served<T> untilServed(Attempt<T> attempt, long deadlineNs) throws InterruptedException {
        String why = "no node was asked";
        while (System.nanoTime() < deadlineNs) {
            for (int i = 0; i < nodes.size() && System.nanoTime() < deadlineNs; i++) {
                NodeAddress node = nodes.get(current);
                try {
                    return new Served<>(onNode(node, attempt, deadlineNs), node.id(), null);
                } catch (NodeFailure f) {
                    why = f.getMessage();
                    current = (current + 1) % nodes.size();
                }
            }
            Thread.sleep(ROUND_PAUSE_MS);
        }
        return new Served<>(null, -1, why);
    }

    /** The call on one node: a stub (looked up, or probed if silent a while), then the call. */
    private <T> T onNode(NodeAddress node, Attempt<T> attempt, long deadlineNs) throws NodeFailure, InterruptedException {
        LibraryService stub = stubs.get(node.id());
        try {
            if (stub == null) {
                stub = timed(node, () -> Stubs.lookup(node, LibraryService.class), ANSWER_MS);
                stubs.put(node.id(), stub);
            } else if (System.nanoTime() - answeredAt.getOrDefault(node.id(), 0L) > PROBE_AFTER_MS * 1_000_000) {
                timed(node, stub::authenticationRequired, ANSWER_MS);
            }
            LibraryService s = stub;
            long left = Math.max(1, (deadlineNs - System.nanoTime()) / 1_000_000);
            T result = timed(node, () -> attempt.on(s), Math.min(callMs, left));
            answeredAt.put(node.id(), System.nanoTime());
            return result;
        } catch (NodeFailure f) {
            stubs.remove(node.id()); // a node that restarted has a new stub: look it up again next time
            throw f;
        }
    }

    private static <T> T timed(NodeAddress node, Callable<T> call, long deadlineMs) throws NodeFailure, InterruptedException {
        Future<T> future = CALLS.submit(call);
        try {
            return future.get(deadlineMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new NodeFailure("node " + node.id() + " did not answer within " + deadlineMs + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) { // RemoteException, NotBoundException, UnavailableException, ...
                throw new NodeFailure("node " + node.id() + ": " + Throwables.rootCause(cause));
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }
}
