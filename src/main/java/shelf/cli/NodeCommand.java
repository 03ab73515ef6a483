package shelf.cli;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Parameters;
import shelf.config.ClusterConfig;
import shelf.config.NodeAddress;
import shelf.server.ShelfNode;
import shelf.util.ExitCodes;
import shelf.util.VersionProvider;

/** {@code RmiNode <id> [<port>]} / {@code shelf node}: runs one node until stopped. */
@Command(name = "node", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Runs node ID of the cluster in nodes.properties, on its configured port, until stopped.")
public final class NodeCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The node's id.")
    Integer idArg;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PORT", description = "The node's port; must match the configuration.")
    Integer portArg;

    @Option(names = {"-i", "--id"}, paramLabel = "ID", description = "The node's id (instead of the first argument).")
    Integer idOption;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "The node's port (instead of the second argument).")
    Integer portOption;

    @Option(names = "--resources", paramLabel = "DIR", defaultValue = "resources",
            description = "Library folder (default ${DEFAULT-VALUE}).")
    Path resources;

    @Option(names = {"-v", "--verbose"}, description = "Log heartbeats and RMI internals too (DEBUG).")
    boolean verbose;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
            description = "INFO (default: one line per protocol event), WARN (problems only), DEBUG (as -v).")
    Logging.Level logLevel;

    @Option(names = "--exit-with-parent", description = "Stop when standard input closes: the cluster command sets it,"
            + " so that its nodes end with it, even after kill -9.")
    boolean exitWithParent;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        requireEachOnce();
        Integer id = idOption != null ? idOption : idArg;
        Integer port = portOption != null ? portOption : portArg;
        if (id == null) {
            throw new CliException(ExitCodes.USAGE, "missing node id: RmiNode <id> [<port>]");
        }
        ClusterConfig cluster = config.load();
        NodeAddress address = cluster.require(id);
        if (port != null && port != address.port()) {
            throw new CliException(ExitCodes.USAGE, "node " + id + " is configured on port " + address.port() + " in "
                    + cluster.source() + ", not " + port);
        }
        requireThisMachine(address, cluster.source());
        java.nio.file.Files.createDirectories(Path.of("logs"));
        // The console gets the log too when a person watches it; under the cluster command it would only duplicate the file.
        Logging.Level level = verbose ? Logging.Level.DEBUG : logLevel;
        Logging.toFile(Path.of("logs", "node-" + id + ".log"), cluster.logs(), System.console() != null, level);
        LoggerFactory.getLogger(NodeCommand.class).info(startLine(id, cluster, resources, level));
        if (exitWithParent) {
            ParentPipe.exitWhenClosed(id, System.in);
        }
        ShelfNode node = ShelfNode.start(cluster, id, resources, Path.of("logs")); // events beside the log
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
            Logging.shutdown();
        }, "shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }

    /** A node's first log line of a run: which program, which process and which settings wrote what follows. */
    static String startLine(int id, ClusterConfig cluster, Path resources, Logging.Level level) {
        return "node " + id + ": ==== run started: Shelf " + VersionProvider.version() + ", process " + pid()
                + ", Java " + Runtime.version() + ", config " + cluster.source() + " (nodes " + cluster.ids() + ", tls "
                + (cluster.tls() ? "on" : "off") + ", " + cluster.timings() + "), resources " + resources + ", log level "
                + level + " ====";
    }

    /** This process's id; the optional SecurityManager (security.policy) does not grant reading it. */
    private static String pid() {
        try {
            return String.valueOf(ProcessHandle.current().pid());
        } catch (SecurityException e) {
            return "unknown (under the SecurityManager)";
        }
    }

    /** The id and the port each given at most once: {@code RmiNode -i 1 2} is a mistake, not node 1. */
    private void requireEachOnce() {
        if (idOption != null && idArg != null) {
            throw new CliException(ExitCodes.USAGE, "the node id is given twice (-i " + idOption + " and " + idArg
                    + "): write RmiNode <id> [<port>] or RmiNode -i <id> [-p <port>]");
        }
        if (portOption != null && portArg != null) {
            throw new CliException(ExitCodes.USAGE, "the port is given twice (-p " + portOption + " and " + portArg
                    + "): write RmiNode <id> [<port>] or RmiNode -i <id> [-p <port>]");
        }
    }

    /** A node listens on its configured address, so that address must be one of this machine's. */
    static void requireThisMachine(NodeAddress address, String source) {
        InetAddress ip;
        try {
            ip = InetAddress.getByName(address.host());
        } catch (UnknownHostException e) {
            throw new CliException(ExitCodes.USAGE, "node " + address.id() + "'s host " + address.host() + " in " + source
                    + " does not resolve to an address");
        }
        boolean local;
        try {
            local = ip.isLoopbackAddress() || NetworkInterface.getByInetAddress(ip) != null;
        } catch (SocketException e) {
            local = true; // cannot tell: binding will say
        }
        if (!local) {
            throw new CliException(ExitCodes.USAGE, "node " + address.id() + "'s address " + address + " in " + source
                    + " is not on this machine (" + ip.getHostAddress() + " is none of its network addresses): start node "
                    + address.id() + " on the machine that has it, or correct " + source);
        }
    }
}
