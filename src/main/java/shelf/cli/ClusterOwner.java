package shelf.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import shelf.api.NodeStatus;
import shelf.cluster.ControlChannel;
import shelf.cluster.ControlChannel.Request;
import shelf.cluster.ControlChannel.Response;
import shelf.cluster.LocalCluster;
import shelf.dashboard.ProcessControl;
import shelf.util.ExitCodes;
import shelf.util.ShelfJar;

/**
 * What the running {@code cluster} process knows and does for its operator: which node processes it started and which
 * of them it has seen exit; the answers to {@code cluster status} and {@code cluster restart} from other terminals
 * ({@link ControlChannel}), served on the main thread between two reads of the logs; and, as it stops, the truth
 * about every node: stopped by it, already down, or running but not its own (restarted by hand), left running.
 */
final class ClusterOwner {
    /** The exit code of a JVM ended by SIGINT (128 + 2). */
    private static final int SIGINT_EXIT = 130;
    private static final String FORMAT = "%-5s %-8s %-12s %-6s %-8s %s";

    private final LocalCluster nodes;
    private final List<Integer> ids;
    private final Path dir;
    /** The pids of the node processes whose exit was reported while the cluster ran (read by the shutdown hook). */
    private final Set<Long> exited = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private String lastControlFailure;
    /** The dashboard's requests ({@link #inProcess}), answered by {@link #serve}. */
    private final Queue<Map.Entry<String, CompletableFuture<Response>>> local = new ConcurrentLinkedQueue<>();

    ClusterOwner(LocalCluster nodes, List<Integer> ids, Path dir) {
        this.nodes = nodes;
        this.ids = List.copyOf(ids);
        this.dir = dir;
    }

    /** A node process this cluster started has exited and that has not been said yet: returns it, once. */
    Optional<Process> newlyExited(int id) {
        return stopping ? Optional.empty()
                : nodes.started(id).filter(p -> !p.isAlive() && exited.add(p.pid()));
    }

    /** True when no node this cluster started runs any more. */
    boolean allExited() {
        return !stopping && ids.stream().noneMatch(nodes::isAlive);
    }

    /**
     * The dashboard's way to this owner, from its own threads: a request waits for {@link #serve} to answer it on the
     * main thread, like a request from another terminal (the control channel cannot be used from this process: probing
     * the cluster lock from the process that holds it would release it).
     */
    ProcessControl inProcess() {
        return command -> {
            CompletableFuture<Response> answer = new CompletableFuture<>();
            local.add(Map.entry(command, answer));
            try {
                return answer.get(ProcessControl.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("the cluster process did not answer '" + command + "'", e);
            }
        };
    }

    /** Answers every waiting request; a failure to read or answer one is said once, and does not end the cluster. */
    void serve(ControlChannel control) {
        for (Map.Entry<String, CompletableFuture<Response>> r = local.poll(); r != null; r = local.poll()) {
            r.getValue().complete(stopping ? new Response(ExitCodes.UNAVAILABLE, "the cluster is stopping")
                    : answer(r.getKey()));
        }
        try {
            for (Request r : control.take()) {
                Response response = stopping ? new Response(ExitCodes.UNAVAILABLE, "the cluster is stopping")
                        : answer(r.command());
                control.answer(r, response);
            }
            lastControlFailure = null;
        } catch (IOException e) {
            String failure = "Could not answer a request from another terminal (" + control + "): " + e;
            if (!failure.equals(lastControlFailure)) {
                System.out.println(failure);
            }
            lastControlFailure = failure;
        }
    }

    private Response answer(String command) {
        String[] words = command.split(" ");
        if (words.length == 1 && words[0].equals("status")) {
            try {
                return new Response(ExitCodes.OK, status());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Response(ExitCodes.UNAVAILABLE, "interrupted while asking the nodes");
            }
        }
        if (words.length == 2 && words[0].equals("restart") && words[1].matches("\\d{1,9}")) {
            return restart(Integer.parseInt(words[1]));
        }
        if (words.length == 2 && (words[0].equals("pause") || words[0].equals("resume")) && words[1].matches("\\d{1,9}")) {
            return signal(words[0], Integer.parseInt(words[1]));
        }
        return new Response(ExitCodes.USAGE, "the cluster process does not know the request '" + command + "'");
    }

    /** One row per node: pid (of the process this cluster started), role, coordinator and epoch as the node says. */
    String status() throws InterruptedException {
        Map<Integer, NodeStatus> answers = nodes.statuses(ids);
        List<String> rows = new ArrayList<>();
        rows.add("cluster pid " + ProcessHandle.current().pid() + " in " + dir + ", nodes " + ids);
        rows.add(String.format(Locale.US, FORMAT, "node", "pid", "role", "coord", "epoch", "").stripTrailing());
        for (int id : ids) {
            Optional<Process> process = nodes.started(id).filter(Process::isAlive);
            Optional<NodeStatus> s = Optional.ofNullable(answers.get(id));
            String pid = process.map(p -> String.valueOf(p.pid())).orElse("-");
            String note = process.isPresent() ? s.isPresent() ? "" : "running, not answering (starting? paused?)"
                    : s.isPresent() ? "not started by this cluster (started by hand?)" : down(id);
            String role = s.map(n -> n.role().toString()).orElse(process.isPresent() ? "NO ANSWER" : "DOWN");
            String coordinator = s.map(n -> String.valueOf(n.coordinator())).orElse("-");
            String epoch = s.map(n -> String.valueOf(n.epoch())).orElse("-");
            rows.add(String.format(Locale.US, FORMAT, id, pid, role, coordinator, epoch, note).stripTrailing());
        }
        return String.join(System.lineSeparator(), rows);
    }

    private String down(int id) {
        return nodes.started(id).map(p -> "exited with code " + p.exitValue()).orElse("not started");
    }

    private Response restart(int id) {
        if (!ids.contains(id)) {
            return new Response(ExitCodes.USAGE, "node " + id + " is not one of this cluster's nodes " + ids);
        }
        Optional<Long> old = nodes.started(id).filter(Process::isAlive).map(Process::pid);
        try {
            Process p = nodes.restart(id);
            String done = "node " + id + ": " + old.map(pid -> "pid " + pid + " stopped, ").orElse("") + "pid " + p.pid()
                    + " started";
            System.out.printf(Locale.US, "[%d] *** %s (cluster restart %d)%n", id, done, id);
            return new Response(ExitCodes.OK, done);
        } catch (IllegalStateException e) {
            return new Response(ExitCodes.REFUSED, e.getMessage());
        } catch (IOException e) {
            return new Response(ExitCodes.REFUSED, "node " + id + " could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(ExitCodes.REFUSED, "interrupted while restarting node " + id);
        }
    }

    /** {@code pause} (SIGSTOP) or {@code resume} (SIGCONT) a node process this cluster started and that runs. */
    private Response signal(String what, int id) {
        if (!ids.contains(id) || !nodes.isAlive(id)) {
            return new Response(ExitCodes.REFUSED, "node " + id + " is not a running node of this cluster " + ids);
        }
        try {
            if (what.equals("pause")) {
                nodes.pause(id);
            } else {
                nodes.resume(id);
            }
            String done = "node " + id + " (pid " + nodes.process(id).pid() + ") " + what.replace("pause", "paus") + "ed";
            System.out.printf(Locale.US, "[%d] *** %s (dashboard)%n", id, done);
            return new Response(ExitCodes.OK, done);
        } catch (IOException e) {
            return new Response(ExitCodes.REFUSED, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(ExitCodes.REFUSED, "interrupted while signalling node " + id);
        }
    }

    /**
     * Stops every node process this cluster started (from the shutdown hook) and says, one line per node, what became of
     * it: stopped (with its pid), already down, or running but not started by this cluster, so left running.
     */
    List<String> stopAll() {
        stopping = true;
        Set<Long> exitedBefore = new HashSet<>(exited); // said by the log follower, or ended before it looked
        ids.forEach(id -> nodes.started(id).filter(p -> !p.isAlive()).ifPresent(p -> exitedBefore.add(p.pid())));
        nodes.close();
        Map<Integer, NodeStatus> answering = answeringQuietly();
        List<String> report = new ArrayList<>();
        List<Integer> leftRunning = new ArrayList<>();
        int down = 0;
        for (int id : ids) {
            // Ctrl-C in a terminal reaches the nodes too (one process group): one that ended by it (130) was running
            Optional<Process> own = nodes.started(id)
                    .filter(p -> !exitedBefore.contains(p.pid()) || p.exitValue() == SIGINT_EXIT);
            if (own.isPresent()) {
                report.add("  node " + id + "  pid " + own.get().pid() + "  stopped");
            } else if (answering.containsKey(id)) {
                leftRunning.add(id);
                report.add("  node " + id + "  not started by this cluster (started by hand?): left running; stop it with:"
                        + " java -jar " + ShelfJar.typed(dir) + " admin -n " + id + " crash");
            } else {
                down++;
                report.add("  node " + id + "  was already down" + nodes.started(id).filter(p -> !p.isAlive())
                        .map(p -> " (exited with code " + p.exitValue() + ")").orElse(""));
            }
        }
        report.add(down == ids.size() ? "No node was running." : leftRunning.isEmpty() ? "All nodes stopped."
                : "The nodes it started are stopped; left running: node" + (leftRunning.size() > 1 ? "s " : " ")
                        + leftRunning.toString().replaceAll("[\\[\\]]", "") + ".");
        if (ClientAgent.stopAgentsOf(dir) > 0) {
            report.add("The folder's client agent stops too (bin/shelf starts one again with the next client command).");
        }
        return report;
    }

    private Map<Integer, NodeStatus> answeringQuietly() {
        try {
            return nodes.statuses(ids);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }
}
