package shelf.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import shelf.about.VersionProvider;
import shelf.admin.Admin;
import shelf.api.AdminService;
import shelf.api.NodeStatus;
import shelf.api.UnavailableException;
import shelf.config.ClusterConfig;
import shelf.config.NodeAddress;
import shelf.library.Json;

/** {@code shelf admin}: every {@link AdminService} operation, for one node or all, human or JSON. */
@Command(name = "admin", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Operator commands against one node (-n ID) or every node (--all).",
                "Exit codes: 0 ok, 2 usage (unknown node id, pinging itself), 3 node not reachable."})
public final class AdminCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--node"}, paramLabel = "ID", scope = ScopeType.INHERIT, description = "The node to ask.")
    Integer node;

    @Option(names = "--all", scope = ScopeType.INHERIT, description = "Ask every configured node.")
    boolean all;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print one JSON document.")
    boolean json;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = ClusterConfig.DEFAULT_FILE, scope = ScopeType.INHERIT,
            description = "Cluster configuration (default: ${DEFAULT-VALUE} in the working directory).")
    java.nio.file.Path config;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private List<NodeAddress> nodes(ClusterConfig cluster) {
        if (all == (node != null)) {
            throw new CliException(ExitCodes.USAGE, "choose one node with -n ID, or every node with --all");
        }
        if (all) {
            return List.copyOf(cluster.nodes().values());
        }
        return List.of(cluster.node(node).orElseThrow(() -> new CliException(ExitCodes.USAGE,
                "node " + node + " is not in " + cluster.source() + " (configured ids: " + cluster.ids() + ")")));
    }

    private ClusterConfig cluster() {
        try {
            return ClusterConfig.load(config);
        } catch (shelf.config.ConfigException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private interface Call {
        Object on(AdminService admin) throws Exception;
    }

    int forEach(Call call, java.util.function.Function<Object, String> human) {
        return forEach(call, (id, result) -> human.apply(result));
    }

    /** Runs a call on each target node; prints one line (or JSON value) per node; exit 3 if any was unreachable. */
    int forEach(Call call, java.util.function.BiFunction<Integer, Object, String> human) {
        ClusterConfig cluster = cluster();
        Map<String, Object> results = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (NodeAddress target : nodes(cluster)) {
            try {
                Object result = call.on(Admin.connect(cluster, target.id()));
                results.put(String.valueOf(target.id()), result);
                if (!json) {
                    System.out.println(human.apply(target.id(), result));
                }
            } catch (RemoteException | NotBoundException e) {
                String message = "node " + target.id() + " at " + target + " is not reachable (" + rootCause(e) + ")";
                failures.add(message);
                results.put(String.valueOf(target.id()), Map.of("error", message));
                if (!json) {
                    System.err.println(message);
                }
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            } catch (UnavailableException e) {
                failures.add(e.getMessage());
                results.put(String.valueOf(target.id()), Map.of("error", e.getMessage()));
            } catch (Exception e) {
                throw new CliException(ExitCodes.UNAVAILABLE, "node " + target.id() + ": " + e.getMessage());
            }
        }
        if (json) {
            Object doc = all ? results : results.values().iterator().next();
            System.out.println(toJson(doc));
        }
        return failures.isEmpty() ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
    }

    static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof java.net.ConnectException ? "connection refused: is it running?"
                : t instanceof java.net.SocketTimeoutException ? "no answer in time: paused or overloaded?"
                : t.getClass().getSimpleName();
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
    int status(@Option(names = "--counters", description = "Every counter, also with --all.") boolean counters) {
        if (all && !json && !counters) {
            System.out.println(StatusTable.HEADER);
            return forEach(AdminService::status, s -> StatusTable.row((NodeStatus) s));
        }
        return forEach(AdminService::status, String::valueOf);
    }

    @Command(name = "ping", mixinStandardHelpOptions = true, description = "Ping node TARGET from the chosen node(s), with the round trip.")
    int ping(@Parameters(paramLabel = "TARGET", description = "The node to ping.") int target) {
        return forEach(a -> a.ping(target), String::valueOf);
    }

    @Command(name = "elect", mixinStandardHelpOptions = true, description = "Start a Bully election on the chosen node(s).")
    int elect() {
        return forEach(AdminService::startElection, String::valueOf);
    }

    @Command(name = "crash", mixinStandardHelpOptions = true, description = "End the chosen node's process abruptly (the seed's disconnect).")
    int crash() {
        return forEach(AdminService::crash, String::valueOf);
    }

    @Command(name = "books", mixinStandardHelpOptions = true, description = "The library as the chosen node reads it.")
    int books() {
        return forEach(AdminService::books, books -> String.join(System.lineSeparator(),
                ((List<?>) books).stream().map(String::valueOf).toList()));
    }

    @Command(name = "locks", mixinStandardHelpOptions = true, description = "The lock server's table: holder, token, lease, queue, counters.")
    int locks() {
        return forEach(AdminService::lockTable, String::valueOf);
    }

    @Command(name = "hold", mixinStandardHelpOptions = true,
            description = "Take the cluster lock from the chosen node and hold it MILLIS ms without writing (watch the queue).")
    int hold(@Parameters(paramLabel = "MILLIS", description = "How long to hold the lock.") long millis) {
        return forEach(a -> a.holdLock(millis), String::valueOf);
    }

    @Command(name = "cycles", mixinStandardHelpOptions = true,
            description = {"Take and release the cluster lock COUNT times back to back from the chosen node(s),",
                    "and print the rate and latency percentiles (what bench lock measures, on a running cluster)."})
    int cycles(@Parameters(paramLabel = "COUNT", description = "How many cycles, 1 to " + AdminService.MAX_CYCLES + ".") int count) {
        return forEach(a -> {
            long started = System.nanoTime();
            long[] latencies = a.lockCycles(count);
            return shelf.bench.Stats.of(latencies, (System.nanoTime() - started) / 1e9);
        }, (id, stats) -> "node " + id + ": " + count + " lock cycles, " + stats.toString().strip());
    }
}
