package shelf.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real network partition between the nodes of a local cluster, made with iptables, for {@code chaos --faults
 * netpartition}: the operating system drops the packets, so no Shelf code knows of it (unlike {@code admin partition}).
 *
 * <p>Each node runs on its own loopback address ({@value #FIRST_ADDRESS} to {@value #LAST_ADDRESS}) and under its own
 * group id ({@link #launcher}): a connection to 127.0.0.14 leaves from 127.0.0.1 whoever makes it, so the rules tell the
 * sender by the group that owns the socket ({@code -m owner --gid-owner}, which only the OUTPUT chain has; loopback
 * packets all pass it). The rules live in a chain of their own, {@code SHELF-CHAOS-<pid>}, reached from OUTPUT only
 * for packets to those five addresses: for each node of one side and each node of another, a DROP of the first's
 * packets to the second's address. Whatever else the machine's firewall does is not touched.
 *
 * <p>The chain is always removed: by {@link #close}, by a shutdown hook if the process ends first, and by a timer at the
 * latest after the timeout given to {@link #split}. Needs root, iptables and setpriv, and a kernel that lets this
 * process change its firewall (a container without NET_ADMIN does not): {@link #unavailable} says why not.
 */
public final class NetPartition implements AutoCloseable {
    /** The first and last loopback addresses a partitioned cluster's nodes may use, and the only ones the rules touch. */
    public static final String FIRST_ADDRESS = "127.0.0.11";
    public static final String LAST_ADDRESS = "127.0.0.15";
    /** Node {@code id} runs under group id {@link #gid}: {@code GID_BASE + 10 * slot + id}. */
    static final int GID_BASE = 47_000;
    /**
     * This process's block of group ids, from its pid: two processes that each run a partitioned cluster at once (two
     * tests side by side) tell their nodes apart, so one's rules never drop the other's packets.
     */
    private static final int SLOT = (int) (ProcessHandle.current().pid() % 2_000);
    private static final Logger log = LoggerFactory.getLogger(NetPartition.class);
    private static final String RANGE = FIRST_ADDRESS + "-" + LAST_ADDRESS;
    private static final long COMMAND_TIMEOUT_S = 10;

    private final String chain;
    private final List<String> jump;
    private final Thread hook;
    private boolean closed;

    private NetPartition(String chain) {
        this.chain = chain;
        this.jump = List.of("OUTPUT", "-m", "iprange", "--dst-range", RANGE, "-j", chain);
        this.hook = new Thread(this::close, "net-partition-cleanup");
    }

    /**
     * Why a real partition cannot be made here, in one line, or empty when it can: tries a chain of its own with the rules
     * it would use, and removes it.
     */
    public static Optional<String> unavailable() {
        if (!root()) {
            return Optional.of("a real network partition needs root (iptables); this process runs as "
                    + System.getProperty("user.name"));
        }
        for (String tool : List.of("iptables", "setpriv")) {
            if (!onPath(tool)) {
                return Optional.of("a real network partition needs " + tool + ", which is not on the PATH");
            }
        }
        String probe = "SHELF-PROBE-" + ProcessHandle.current().pid();
        try {
            iptables("-N", probe);
            iptables("-A", probe, "-m", "iprange", "--dst-range", RANGE, "-m", "owner", "--gid-owner",
                    String.valueOf(GID_BASE + 1), "-j", "DROP");
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("iptables cannot make the rules here (" + e.getMessage() + ")");
        } finally {
            quietly("-F", probe);
            quietly("-X", probe);
        }
    }

    /** The loopback address node {@code id} (1 to 5) runs on in a cluster that may be partitioned: 127.0.0.1{@code id}. */
    public static String address(int id) {
        if (id < 1 || id > 5) {
            throw new IllegalArgumentException("a real partition takes nodes 1 to 5, not " + id);
        }
        return "127.0.0.1" + id;
    }

    /** The group id of node {@code id} of a cluster run by the process of block {@code slot}. */
    static int gid(int slot, int id) {
        return GID_BASE + 10 * slot + id;
    }

    /** The command that runs node {@code id} under its own group id, which the rules tell its packets by. */
    public static List<String> launcher(int id) {
        return List.of("setpriv", "--regid=" + gid(SLOT, id), "--clear-groups", "--");
    }

    /**
     * Cuts the network between {@code sides}: a node's packets to the address of a node on another side are dropped.
     *
     * @param sides   node ids, each on one side
     * @param hosts   each node's address, all between {@value #FIRST_ADDRESS} and {@value #LAST_ADDRESS}
     * @param timeout the rules are removed after it at the latest, whether or not {@link #close} is called
     * @throws IllegalArgumentException for a node without such an address
     * @throws IOException              when iptables refused a rule (what was made is removed)
     */
    public static NetPartition split(List<Set<Integer>> sides, Map<Integer, String> hosts, Duration timeout)
            throws IOException {
        for (Set<Integer> side : sides) {
            for (int id : side) {
                String host = hosts.get(id);
                if (host == null || !host.matches("127\\.0\\.0\\.1[1-5]")) {
                    throw new IllegalArgumentException("node " + id + " runs at " + host + ", not on one of " + RANGE);
                }
            }
        }
        NetPartition p = new NetPartition("SHELF-CHAOS-" + ProcessHandle.current().pid());
        Runtime.getRuntime().addShutdownHook(p.hook);
        try {
            iptables("-N", p.chain);
            for (List<String> rule : drops(sides, hosts)) {
                List<String> args = new ArrayList<>(List.of("-A", p.chain));
                args.addAll(rule);
                iptables(args.toArray(String[]::new));
            }
            List<String> insert = new ArrayList<>(List.of("-I"));
            insert.addAll(p.jump);
            iptables(insert.toArray(String[]::new));
        } catch (IOException e) {
            p.close();
            throw e;
        }
        p.removeAfter(timeout);
        log.warn("network partitioned with iptables chain {}: {} (removed within {} s at the latest)", p.chain, sides,
                timeout.toSeconds());
        return p;
    }

    /** The DROP rules: for each ordered pair of nodes on different sides, the first's packets to the second's address. */
    static List<List<String>> drops(List<Set<Integer>> sides, Map<Integer, String> hosts) {
        List<List<String>> rules = new ArrayList<>();
        for (Set<Integer> from : sides) {
            for (Set<Integer> to : sides) {
                if (from == to) {
                    continue;
                }
                for (int a : from) {
                    for (int b : to) {
                        rules.add(List.of("-m", "owner", "--gid-owner", String.valueOf(gid(SLOT, a)), "-d", hosts.get(b),
                                "-j", "DROP"));
                    }
                }
            }
        }
        return rules;
    }

    public String chain() {
        return chain;
    }

    private void removeAfter(Duration timeout) {
        Thread guard = new Thread(() -> {
            try {
                Thread.sleep(timeout.toMillis());
                expire(timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "net-partition-timeout");
        guard.setDaemon(true);
        guard.start();
    }

    /** The timeout is up: removes the rules, unless {@link #close} did already (then nothing is said). */
    private synchronized void expire(Duration timeout) {
        if (!closed) {
            log.warn("network partition {} reached its timeout of {} s; removing it", chain, timeout.toSeconds());
            close();
        }
    }

    /** Removes the jump and the chain; every step is tried, whatever failed before. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> delete = new ArrayList<>(List.of("-D"));
        delete.addAll(jump);
        quietly(delete.toArray(String[]::new));
        quietly("-F", chain);
        quietly("-X", chain);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down (this is the hook), or the hook was never added
        }
        log.warn("network partition healed: iptables chain {} removed", chain);
    }

    private static void quietly(String... args) {
        try {
            iptables(args);
        } catch (IOException e) {
            log.debug("iptables {}: {}", String.join(" ", args), e.getMessage());
        }
    }

    /** Runs iptables, waiting for the xtables lock ({@code -w}); its output is the message of a failure. */
    private static void iptables(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("iptables", "-w"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command));
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + output);
        }
    }

    private static boolean root() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall back to the name
        }
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
