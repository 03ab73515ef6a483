package shelf.cli;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.dashboard.Dashboard;
import shelf.dashboard.ProcessControl;
import shelf.util.ExitCodes;
import shelf.util.VersionProvider;

/**
 * {@code shelf dashboard}: serves the live page of the cluster of this folder's configuration until Ctrl-C, and prints
 * the one line to open (with its access token). Pause, resume and restart go to the {@code cluster} running in the
 * folder, when one does.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Serves a live web page of the cluster: nodes, lock server, messages, library, and controls.",
                "Prints the URL to open, with its secret access token. Ctrl-C stops it.",
                "Exit codes: 0 stopped, 2 usage (bad option, port in use)."})
public final class DashboardCommand implements Callable<Integer> {
    /** The dashboard's default port (DESIGN §4). */
    public static final int DEFAULT_PORT = 8080;

    @Mixin
    ConfigOption config;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DEFAULT_PORT,
            description = "The port to listen on (default: ${DEFAULT-VALUE}); 0 picks a free one.")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}: this machine only).")
    String bind;

    @Option(names = "--logs", paramLabel = "DIR", defaultValue = "logs",
            description = "The folder of the nodes' event files (default: ${DEFAULT-VALUE}).")
    Path logs;

    @Override
    public Integer call() throws Exception {
        ClusterConfig cluster = config.load();
        Dashboard dashboard = start(cluster, bind, port, false, logs, ProcessControl.channel(Path.of("").toAbsolutePath()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dashboard.close();
            stopped.countDown();
        }, "dashboard-stop"));
        stopped.await();
        return ExitCodes.OK;
    }

    /**
     * Starts a dashboard and prints its line; a port in use (unless {@code orFreePort}: then it says so and takes a free
     * one), a bad address or a missing admin key is a one-line usage error.
     */
    static Dashboard start(ClusterConfig cluster, String bind, int port, boolean orFreePort, Path logs,
                           ProcessControl processes) {
        if (port < 0 || port > 65_535) {
            throw new CliException(ExitCodes.USAGE, "--port must be between 0 and 65535, got " + port);
        }
        try {
            Dashboard d = Dashboard.start(new Dashboard.Options(cluster, bind, port, logs, processes));
            if (!isLoopback(bind)) {
                System.err.println("Warning: the dashboard listens on " + bind + ", reachable from other machines over plain"
                        + " HTTP; its token is its only guard");
            }
            System.out.println("Dashboard: " + d.url());
            return d;
        } catch (BindException e) {
            if (orFreePort && port != 0) {
                System.out.println("(port " + port + " is taken: the dashboard serves on a free one)");
                return start(cluster, bind, 0, false, logs, processes);
            }
            throw new CliException(ExitCodes.USAGE, "the dashboard cannot listen on " + bind + ":" + port + " ("
                    + e.getMessage() + "): choose another --port, or --port 0 for a free one");
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "the dashboard cannot start on " + bind + ":" + port + ": "
                    + e.getMessage());
        } catch (ConfigException e) {
            throw new CliException(ExitCodes.USAGE, "the dashboard cannot call the nodes: " + e.getMessage());
        }
    }

    private static boolean isLoopback(String bind) {
        try {
            return java.net.InetAddress.getByName(bind).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
