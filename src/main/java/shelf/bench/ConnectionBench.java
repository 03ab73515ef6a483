package shelf.bench;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import shelf.api.LibraryService;
import shelf.config.NodeAddress;
import shelf.util.ExitCodes;

/**
 * {@code bench connections}: one node, N connections that connect and say nothing (or half of RMI's opening), and a
 * client that meanwhile asks for the list every {@link #PACE_MS}, each time on a new connection (as every
 * {@code RmiClient} run is). Reports the node's threads and resident memory before and under the flood, the client's
 * latency, and how many of the flood's connections the node had closed by the end.
 */
@Command(name = "connections", mixinStandardHelpOptions = true,
        description = {"Floods one node with silent (or half-open) connections while a client loop runs against it.",
                "Reports the node's threads and RSS, the client's p50/p99, and how many connections the node closed."})
final class ConnectionBench implements Callable<Integer> {
    /** The client's pause between calls: longer than its pooled connections live here, so each call opens anew. */
    static final long PACE_MS = 150;
    /** How long this process's RMI keeps an idle pooled connection (RMI's default is 15 s). */
    static final String POOL_MS = "50";
    private static final int MAX_FLOOD = 20_000;

    @Spec
    CommandSpec spec;

    @Mixin
    BenchCommand.Common common;

    @Mixin
    BenchCommand.TlsOption tls;

    @Option(names = "--idle", defaultValue = "2000",
            description = "Connections that connect and send nothing (default ${DEFAULT-VALUE}).")
    int idle;

    @Option(names = "--half-open", defaultValue = "0",
            description = "Connections that send half of RMI's opening, 'JRM' (default ${DEFAULT-VALUE}).")
    int halfOpen;

    @Option(names = "--seconds", defaultValue = "20", description = "How long the client loop runs (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--node-jar", paramLabel = "JAR",
            description = "Run the node from this jar (another build, to compare); default: this one.")
    Path nodeJar;

    @Override
    public Integer call() throws Exception {
        if (idle < 0 || halfOpen < 0 || idle + halfOpen > MAX_FLOOD || seconds < 1 || seconds > 600) {
            throw new ParameterException(spec.commandLine(), "--idle and --half-open must be 0 or more, together at most "
                    + MAX_FLOOD + "; --seconds between 1 and 600");
        }
        if (nodeJar != null && !Files.isRegularFile(nodeJar)) {
            throw new ParameterException(spec.commandLine(), "--node-jar " + nodeJar + ": no such file");
        }
        System.setProperty("sun.rmi.transport.connectionTimeout", POOL_MS); // before this process's first RMI call
        Map<String, Object> results = new LinkedHashMap<>();
        try (BenchCluster b = new BenchCluster(1, BenchCluster.BOOKS, tls.settings(), common, nodeJar)) {
            long pid = b.cluster.process(1).pid();
            LibraryService library = b.library(1);
            library.list();
            results.put("node threads before", proc(pid, "Threads"));
            results.put("node RSS before (MB)", proc(pid, "VmRSS") / 1024);
            List<Socket> flood = flood(b.cluster.config().require(1));
            List<Long> latencies = new ArrayList<>();
            int failures = clientLoop(library, latencies, pid, results);
            results.put("client calls", latencies.size() + failures);
            results.put("client failures", failures);
            long[] ns = latencies.stream().mapToLong(Long::longValue).toArray();
            Stats s = Stats.of(ns, seconds);
            results.put("client p50 (ms)", s.p50());
            results.put("client p99 (ms)", s.p99());
            results.put("client max (ms)", s.max());
            results.put("flood connections closed by the node", closed(flood) + " of " + flood.size());
            for (Socket socket : flood) {
                socket.close();
            }
        }
        common.report("connections", common.settings("idle", idle, "half-open", halfOpen, "seconds", seconds,
                "tls", tls.on() ? "on" : "off", "node jar", nodeJar == null ? "this build" : nodeJar.toString(),
                "client pause (ms)", PACE_MS), results);
        return ExitCodes.OK;
    }

    private List<Socket> flood(NodeAddress node) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < idle + halfOpen; i++) {
            Socket s = new Socket(node.host(), node.port());
            if (i >= idle) {
                s.getOutputStream().write(new byte[] {'J', 'R', 'M'});
                s.getOutputStream().flush();
            }
            sockets.add(s);
        }
        common.progress(sockets.size() + " connections open");
        return sockets;
    }

    /** Calls until the time is up; returns the failures, and puts the node's peak threads and RSS in {@code results}. */
    private int clientLoop(LibraryService library, List<Long> latencies, long pid, Map<String, Object> results)
            throws InterruptedException, IOException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long threads = 0;
        long rss = 0;
        int failures = 0;
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            try {
                library.list();
                latencies.add(System.nanoTime() - start);
            } catch (Exception e) {
                failures++;
            }
            threads = Math.max(threads, proc(pid, "Threads"));
            rss = Math.max(rss, proc(pid, "VmRSS"));
            Thread.sleep(PACE_MS);
        }
        results.put("node threads peak", threads);
        results.put("node RSS peak (MB)", rss / 1024);
        results.put("node threads at the end", proc(pid, "Threads"));
        return failures;
    }

    /** How many of the sockets the node closed (end of stream or reset seen at once). */
    private static int closed(List<Socket> sockets) throws IOException {
        int n = 0;
        for (Socket s : sockets) {
            s.setSoTimeout(1);
            try {
                if (s.getInputStream().read() < 0) {
                    n++;
                }
            } catch (SocketTimeoutException open) {
                // still open
            } catch (IOException reset) {
                n++;
            }
        }
        return n;
    }

    /** A field of /proc/PID/status (Threads, or VmRSS in kB); 0 when unreadable (not Linux). */
    private static long proc(long pid, String field) throws IOException {
        Path status = Path.of("/proc", String.valueOf(pid), "status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
            }
        }
        return 0;
    }
}
