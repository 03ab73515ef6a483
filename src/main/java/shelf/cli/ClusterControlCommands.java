package shelf.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import shelf.api.NodeStatus;
import shelf.cluster.ClusterLock;
import shelf.cluster.ControlChannel;
import shelf.cluster.ControlChannel.Response;
import shelf.cluster.LocalCluster;
import shelf.util.ExitCodes;
import shelf.util.ShelfJar;
import shelf.util.VersionProvider;

/**
 * {@code cluster status | stop | restart <id>}: the {@code cluster} running in this folder, from another terminal.
 * {@code stop} signals it (SIGTERM, as Ctrl-C: it stops its nodes and exits) and prints the report it leaves;
 * {@code status} and {@code restart} are requests it answers over its {@link ControlChannel}. Each finds the running
 * cluster by its lock ({@link ClusterLock}); exit code 3 when none runs.
 */
final class ClusterControlCommands {
    /** Ample for a node to stop, a new JVM to start, and a cluster process busy starting its nodes to get round to it. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    /** The cluster process stops its nodes (each gets 10 s, then SIGKILL) before it exits. */
    private static final long STOP_TIMEOUT_SECONDS = 60;

    private ClusterControlCommands() {
    }

    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "The nodes of the cluster running in this folder: pid, role, coordinator, epoch.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Response r = ask(Path.of("").toAbsolutePath(), "status");
            System.out.println(r.text());
            return r.code();
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Stops the cluster running in this folder (as Ctrl-C in its terminal) and says what it stopped.")
    static final class Stop implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Path dir = Path.of("").toAbsolutePath();
            long pid = runningPid(dir);
            ProcessHandle cluster = ProcessHandle.of(pid).orElseThrow(() -> new CliException(ExitCodes.UNAVAILABLE,
                    "the cluster process " + pid + " of " + dir + " has just ended"));
            System.out.println("Stopping the cluster process " + pid + " ...");
            cluster.destroy();
            try {
                cluster.onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new CliException(ExitCodes.UNAVAILABLE, "the cluster process " + pid + " did not stop within "
                        + STOP_TIMEOUT_SECONDS + " s");
            }
            List<String> report = ClusterLock.stopReport(dir, pid);
            if (report.isEmpty()) {
                System.out.println("It has stopped (it left no report of its nodes).");
            }
            report.forEach(System.out::println);
            return ExitCodes.OK;
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Has the cluster running in this folder stop node ID (if it runs) and start it again,"
                    + " then waits until the node has joined a coordinator.")
    static final class Restart implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "The node to restart.")
        int id;

        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws Exception {
            Path dir = Path.of("").toAbsolutePath();
            config.load();
            long started = System.nanoTime();
            Response r = ask(dir, "restart " + id);
            if (r.code() != ExitCodes.OK) {
                throw new CliException(r.code(), r.text());
            }
            System.out.println(r.text());
            LocalCluster view = LocalCluster.open(dir, config.file, LocalCluster.currentJar(), List.of());
            try {
                NodeStatus s = view.awaitJoined(id, LocalCluster.AGREEMENT_TIMEOUT);
                System.out.printf(Locale.US,
                        "node %d is back: %s of node %d, epoch %d, %d ms after the request%n", id, s.role(),
                        s.coordinator(), s.epoch(), (System.nanoTime() - started) / 1_000_000);
                return ExitCodes.OK;
            } catch (IllegalStateException e) {
                throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage() + " (see logs/node-" + id + ".log)");
            }
        }
    }

    private static Response ask(Path dir, String command) throws InterruptedException {
        runningPid(dir);
        try {
            return ControlChannel.of(dir).send(command, ANSWER_TIMEOUT);
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage());
        }
    }

    /** The pid of the cluster process of {@code dir}; exit code 3 when none runs. */
    private static long runningPid(Path dir) {
        OptionalLong owner;
        try {
            owner = ClusterLock.owner(dir);
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "cannot tell whether a cluster runs in " + dir + ": " + e.getMessage());
        }
        if (owner.isEmpty()) {
            throw new CliException(ExitCodes.UNAVAILABLE, "no cluster is running in " + dir
                    + " (start one: java -jar " + ShelfJar.typed(dir) + " cluster)");
        }
        if (owner.getAsLong() <= 0) {
            throw new CliException(ExitCodes.UNAVAILABLE, "the cluster of " + dir + " is starting; try again in a moment");
        }
        return owner.getAsLong();
    }
}
