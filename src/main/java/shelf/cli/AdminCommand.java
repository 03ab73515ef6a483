package shelf.cli;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import shelf.admin.Admin;
import shelf.api.AdminService;
import shelf.api.NodeStatus;
import shelf.api.UnavailableException;
import shelf.bench.Stats;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.config.NodeAddress;
import shelf.config.Timings;
import shelf.library.Json;
import shelf.rmi.RmiServer;
import shelf.util.ExitCodes;
import shelf.util.Throwables;
import shelf.util.VersionProvider;

/**
 * {@code shelf admin}: every {@link AdminService} operation, for one node or all, human or JSON.
 *
 * <p>Results go to the command line's out, one line per node (or one JSON document); a node that could
 * not answer is a line on its err (or an {@code {"error": ...}} in the document) and exit code 3.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        subcommands = {AdminFaultCommands.Partition.class, AdminFaultCommands.Heal.class, AdminFaultCommands.Drop.class,
            AdminFaultCommands.Delay.class, AdminFaultCommands.StoreFaultCommand.class},
        description = {"Operator commands against one node (-n ID) or every node (--all).",
                "Partition, drop, delay and heal act on every node unless -n names one.",
                "Exit codes: 0 ok, 2 usage (unknown node id, pinging itself, bad partition sides), "
                        + "3 node not reachable (or a hold lost its lease), "
                        + "4 not allowed (the node refused the admin key, resources/tls/admin.crt)."})
public final class AdminCommand implements Runnable {
    /** How the command reaches node {@code id}'s admin service: over RMI, or a mock in tests. */
    @FunctionalInterface
    interface Connector {
        AdminService connect(ClusterConfig cluster, int id) throws ConfigException, RemoteException, NotBoundException;
    }

    /** One operation on one node's admin service. */
    @FunctionalInterface
    interface Call {
        Object on(AdminService admin) throws Exception;
    }

    /**
     * A node that could not answer (exit code 3), or refused the admin's credentials (4); in a JSON document it stands in
     * the node's place as {@code {"error": ...}}.
     */
    record Failure(String error, @JsonIgnore int exitCode) {
        Failure(String error) {
            this(error, ExitCodes.UNAVAILABLE);
        }

        /** Whether the node was silent (paused, overloaded) rather than down. */
        boolean noAnswer() {
            return error.contains(NO_ANSWER);
        }

        /** The reason, without the "node N at host:port" it starts with. */
        String why() {
            int open = error.indexOf('(');
            return open >= 0 && error.endsWith(")") ? error.substring(open + 1, error.length() - 1) : error;
        }
    }

    private static final String NO_ANSWER = "no answer";
    private static final long DEFAULT_TIMEOUT_MS = 2_000;
    /** Each node's call runs on its own daemon thread: the nodes are asked in parallel, a silent one is abandoned. */
    private static final ExecutorService CALLS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "shelf-admin-call");
        t.setDaemon(true);
        return t;
    });

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--node"}, paramLabel = "ID", scope = ScopeType.INHERIT, description = "The node to ask.")
    Integer node;

    @Option(names = "--all", scope = ScopeType.INHERIT, description = "Ask every configured node.")
    boolean all;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print one JSON document.")
    boolean json;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = ClusterConfig.DEFAULT_FILE, scope = ScopeType.INHERIT,
            description = "Cluster configuration (default: ${DEFAULT-VALUE} in the working directory).")
    Path config;

    @Option(names = "--timeout", paramLabel = "MS", scope = ScopeType.INHERIT, description = "How long a node has to "
            + "answer (plus what the operation itself takes) before it is reported as not answering; default: "
            + "rpc.timeout.ms of the configuration, at least 2000.")
    Long timeoutMs;

    Connector connector = Admin::connect;

    @Override
    public void run() {
        throw new CliException(ExitCodes.USAGE, "choose an operation: " + String.join(", ", spec.subcommands().keySet())
                + " (see: admin --help)");
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private List<NodeAddress> nodes(ClusterConfig cluster) throws ConfigException {
        if (all == (node != null)) {
            throw new CliException(ExitCodes.USAGE, "choose one node with -n ID, or every node with --all");
        }
        return all ? List.copyOf(cluster.nodes().values()) : List.of(cluster.require(node));
    }

    int forEach(Call call, Function<Object, String> human) throws ConfigException {
        return forEach(call, t -> 0, (id, result) -> human.apply(result), false);
    }

    int forEach(Call call, BiFunction<Integer, Object, String> human) throws ConfigException {
        return forEach(call, t -> 0, human, false);
    }

    /** {@link #forEach} with a call made for each node: {@code call.apply(id)} runs on node {@code id}. */
    int forEachNode(IntFunction<Call> call, BiFunction<Integer, Object, String> human) throws ConfigException {
        return callEach(call, t -> 0, human, false);
    }

    private int forEach(Call call, ToLongFunction<Timings> workMs, BiFunction<Integer, Object, String> human, boolean rows)
            throws ConfigException {
        return callEach(id -> call, workMs, human, rows);
    }

    /**
     * Runs a call on each target node, all at once; prints one line (or JSON value) per node, in configuration order;
     * exit 3 if any could not answer. A node gets {@link #timeout} plus {@code workMs} (what the operation itself may
     * legitimately take) to look up and answer; one that does not is a {@link Failure} "no answer within …", so a
     * paused node costs about the timeout, not the sockets' 15 s. With {@code rows} (the status table), a node that
     * could not answer is also a row ({@code DOWN} or {@code NO ANSWER}) on stdout, under the table's header.
     */
    private int callEach(IntFunction<Call> call, ToLongFunction<Timings> workMs, BiFunction<Integer, Object, String> human,
                         boolean rows) throws ConfigException {
        ClusterConfig cluster = ClusterConfig.load(config);
        List<NodeAddress> targets = nodes(cluster);
        long deadlineMs = timeout(cluster) + workMs.applyAsLong(cluster.timings());
        if (rows && !json) {
            out().println(StatusTable.HEADER); // once the command line is known to be good
        }
        Map<Integer, Future<Object>> pending = new LinkedHashMap<>();
        targets.forEach(t -> pending.put(t.id(), CALLS.submit(() -> callOne(cluster, t, call.apply(t.id())))));
        long end = System.nanoTime() + deadlineMs * 1_000_000;
        Map<String, Object> results = new LinkedHashMap<>();
        int code = ExitCodes.OK;
        for (NodeAddress target : targets) {
            Object result = await(pending.get(target.id()), end, target, deadlineMs);
            results.put(String.valueOf(target.id()), result);
            code = result instanceof Failure f ? Math.max(code, f.exitCode()) : code;
            if (json) {
                continue;
            }
            if (result instanceof Failure f) {
                err().println(f.error());
                if (rows) {
                    out().println(f.noAnswer() ? StatusTable.noAnswer(target.id(), f.why())
                            : StatusTable.down(target.id(), f.why()));
                }
            } else {
                out().println(human.apply(target.id(), result));
            }
        }
        if (json) {
            out().println(toJson(all ? results : results.values().iterator().next()));
        }
        return code;
    }

    /** How long a node has to look up and answer a quick call: --timeout, else rpc.timeout.ms, at least 2 s. */
    private long timeout(ClusterConfig cluster) {
        if (timeoutMs != null && (timeoutMs < 1 || timeoutMs > 3_600_000)) {
            throw new CliException(ExitCodes.USAGE, "--timeout must be between 1 and 3600000 ms, got " + timeoutMs);
        }
        return timeoutMs != null ? timeoutMs : Math.max(DEFAULT_TIMEOUT_MS, cluster.timings().rpcTimeoutMs());
    }

    /** A node's result by {@code end}, or the {@link Failure} of a node that gave none. */
    private static Object await(Future<Object> future, long end, NodeAddress target, long deadlineMs) {
        try {
            return future.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Failure("node " + target.id() + " at " + target + " is not reachable (" + NO_ANSWER + " within "
                    + deadlineMs + " ms: paused or overloaded?)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNAVAILABLE, "interrupted while waiting for node " + target.id());
        }
    }

    /** The call's result, or the {@link Failure} of a node that could not answer; a usage error ends the command. */
    private Object callOne(ClusterConfig cluster, NodeAddress target, Call call) {
        try {
            return call.on(connector.connect(cluster, target.id()));
        } catch (SecurityException e) {
            return new Failure(e.getMessage(), ExitCodes.DENIED);
        } catch (RemoteException | NotBoundException e) {
            if (Denied.byTls(e)) {
                return new Failure(Denied.message(target, e), ExitCodes.DENIED);
            }
            return new Failure("node " + target.id() + " at " + target + " is not reachable (" + why(e) + ")");
        } catch (UnavailableException e) {
            return new Failure(e.getMessage());
        } catch (ConfigException | IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        } catch (Exception e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "node " + target.id() + ": " + e.getMessage());
        }
    }

    /** Why a node could not be reached, from the cause that RMI wraps. */
    static String why(Throwable e) {
        Throwable root = Throwables.rootCause(e);
        return root instanceof java.net.ConnectException ? "connection refused: is it running?"
                : root instanceof SocketTimeoutException ? NO_ANSWER + " in time: paused or overloaded?"
                : root.getClass().getSimpleName();
    }

    static String toJson(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Role, coordinator, epoch, live peers, lock table, counters.")
    int status(@Option(names = "--counters", description = "Every counter, also with --all.") boolean counters)
            throws ConfigException {
        if (all && !json && !counters) {
            return forEach(AdminService::status, t -> 0, (id, s) -> StatusTable.row((NodeStatus) s), true);
        }
        return forEach(AdminService::status, String::valueOf);
    }

    @Command(name = "ping", mixinStandardHelpOptions = true,
            description = "Ping node TARGET from the chosen node(s), with the round trip.")
    int ping(@Parameters(paramLabel = "TARGET", description = "The node to ping.") int target) throws ConfigException {
        return forEach(a -> a.ping(target), Timings::rpcTimeoutMs, (id, r) -> String.valueOf(r), false);
    }

    @Command(name = "elect", mixinStandardHelpOptions = true, description = "Start a Bully election on the chosen node(s).")
    int elect() throws ConfigException {
        return forEach(AdminService::startElection, String::valueOf);
    }

    @Command(name = "crash", mixinStandardHelpOptions = true,
            description = "End the chosen node's process abruptly (the seed's disconnect).")
    int crash() throws ConfigException {
        return forEach(AdminService::crash, String::valueOf);
    }

    @Command(name = "books", mixinStandardHelpOptions = true, description = "The library as the chosen node reads it.")
    int books() throws ConfigException {
        return forEach(AdminService::books, books -> String.join(System.lineSeparator(),
                ((List<?>) books).stream().map(String::valueOf).toList()));
    }

    @Command(name = "locks", mixinStandardHelpOptions = true,
            description = "The lock server's table: holder, token, lease, queue, counters.")
    int locks() throws ConfigException {
        return forEach(AdminService::lockTable, String::valueOf);
    }

    @Command(name = "hold", mixinStandardHelpOptions = true,
            description = {"Take the cluster lock from the chosen node and hold it MILLIS ms without writing (watch the queue).",
                    "Exit 3 with 'lease lost' when the node lost the lock before the end (it was paused past its lease)."})
    int hold(@Parameters(paramLabel = "MILLIS", description = "How long to hold the lock.") long millis) throws ConfigException {
        // Interrupted (Ctrl-C), the command would leave the node holding for the rest of MILLIS: it asks it to end the hold.
        Thread onInterrupt = new Thread(this::endHoldsOnInterrupt, "shelf-admin-end-hold");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            return forEach(a -> a.holdLock(millis), t -> millis + t.requestTimeoutMs() + RmiServer.CLIENT_READ_GRACE_MS,
                    (id, r) -> String.valueOf(r), false);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs
            }
        }
    }

    /** The shutdown hook of an interrupted {@link #hold}: ends the holds it asked for, as {@code end-hold} would. */
    private void endHoldsOnInterrupt() {
        try {
            endHold();
        } catch (ConfigException | RuntimeException e) {
            err().println("admin: could not end the hold: " + e.getMessage());
        }
        out().flush();
        err().flush();
    }

    @Command(name = "end-hold", mixinStandardHelpOptions = true,
            description = {"End the chosen node's operator holds now (admin hold from any terminal, or holdLock from jshell).",
                    "A running hold releases the cluster lock; one still waiting for its grant is withdrawn."})
    int endHold() throws ConfigException {
        return forEach(AdminService::endHold, String::valueOf);
    }

    @Command(name = "fence-repair", mixinStandardHelpOptions = true,
            description = {"Repair the library's fence when it holds a token no election can pass (a forged MAX:MAX).",
                    "Sets it to the start of the chosen node's term, with a FENCE record in the history naming you.",
                    "Exit 2 when there is nothing to repair (or an election would do), 3 when the node is in no term."})
    int fenceRepair() throws ConfigException {
        return forEach(AdminService::repairFence, String::valueOf);
    }

    @Command(name = "cycles", mixinStandardHelpOptions = true,
            description = {"Takes and releases the cluster lock COUNT times from the chosen node(s).",
                    "Back to back; prints the rate and latency percentiles (what bench lock measures, on a running cluster)."})
    int cycles(@Parameters(paramLabel = "COUNT", description = "How many cycles, 1 to " + AdminService.MAX_CYCLES + ".")
               int count) throws ConfigException {
        return forEach(a -> {
            long started = System.nanoTime();
            long[] latencies = a.lockCycles(count);
            return Stats.of(latencies, (System.nanoTime() - started) / 1e9);
        }, t -> t.requestTimeoutMs() + RmiServer.CLIENT_READ_GRACE_MS + count * AdminService.MS_PER_CYCLE,
                (id, stats) -> "node " + id + ": " + count + " lock cycles, " + stats.toString().strip(), false);
    }
}
