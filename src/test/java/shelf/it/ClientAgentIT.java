package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.cluster.LocalCluster;

/**
 * {@code bin/shelf RmiClient ...} and the folder's client agent, against a real node: the agent runs the commands as a
 * JVM of their own would (output, stream, exit code), and a stranger on the port the agent's file names is told nothing.
 */
class ClientAgentIT {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final Duration AGENT_START = Duration.ofSeconds(60);

    /** {@code bin/shelf RmiClient args} in {@code dir}: the built jar, no archives (none written into target/). */
    private static ClusterFixture.Run client(Path dir, Map<String, String> env, String... args) throws Exception {
        return client(List.of(), dir, env, args);
    }

    /** The same, run by {@code shell} ({@code sh bin/shelf ...}), or as a program when none is given. */
    private static ClusterFixture.Run client(List<String> shell, Path dir, Map<String, String> env, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(shell);
        command.addAll(List.of(Path.of("bin", "shelf").toAbsolutePath().toString(), "RmiClient"));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command);
        b.environment().put("SHELF_JAR", LocalCluster.currentJar().toString());
        b.environment().put("JAVA", JAVA);
        b.environment().put("SHELF_CDS", "off");
        b.environment().remove("SHELF_AGENT");
        b.environment().remove("SHELF_PIN");
        b.environment().putAll(env);
        return ClusterFixture.exec(dir, b, Duration.ofSeconds(60));
    }

    private static ClusterFixture.Run client(Path dir, String... args) throws Exception {
        return client(dir, Map.of(), args);
    }

    /** {@code resources/client-agent.HOST}: the host's name as bash has it (gethostname), as bin/shelf writes it. */
    private static Path agentFile(Path dir) throws Exception {
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip().replaceAll("[^A-Za-z0-9_.-]", "_");
        return dir.resolve("resources").resolve("client-agent." + host);
    }

    private static String agentLog(Path dir) throws Exception {
        Path log = dir.resolve("logs").resolve("client-agent.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    void aWarmAgentRunsEachCommandAsAJvmOfItsOwnWould(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 1)) {
            f.cluster.startAll();
            f.cluster.awaitAgreement(List.of(1), LocalCluster.AGREEMENT_TIMEOUT);
            Path agentFile = agentFile(dir);

            // a JVM of its own, which starts the agent
            ClusterFixture.Run cold = client(dir, Map.of("SHELF_PIN", "8642"), "-u", "alice", "-n", "1", "list");
            assertEquals(0, cold.code(), cold.toString());
            Awaitility.await().atMost(AGENT_START).until(() -> Files.exists(agentFile));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(agentFile)));
            String pid = Files.readString(agentFile).strip().split(" ")[3];
            String environment = Files.readString(Path.of("/proc", pid, "environ"));
            assertTrue(environment.contains("SHELF_JAR=") && !environment.contains("SHELF_PIN"), "no PIN kept by the agent");

            ClusterFixture.Run warm = client(dir, "-u", "alice", "-n", "1", "list");
            assertEquals(cold, warm);
            ClusterFixture.Run borrow = client(dir, "-u", "alice", "-n", "1", "borrow", "3");
            assertEquals(0, borrow.code(), borrow.toString());
            assertTrue(borrow.out().startsWith("alice borrowed book 3, due "), borrow.toString());
            ClusterFixture.Run refused = client(dir, "-u", "bob", "-n", "1", "borrow", "3");
            assertEquals(new ClusterFixture.Run(1, "", "refused: book 3 is already on loan\n"), refused);
            ClusterFixture.Run json = client(dir, "-u", "bob", "-n", "1", "--json", "borrow", "99");
            assertEquals(1, json.code(), json.toString());
            assertEquals(1, json.out().lines().count(), json.toString());
            assertTrue(json.out().startsWith("{\"ok\":false,"), json.toString());
            ClusterFixture.Run usage = client(dir, "-u", "bob", "-n", "1", "borrow", "zwölf €");
            assertEquals(new ClusterFixture.Run(2, "", "book id must be a whole number, got 'zwölf €'\n"), usage);
            // more than the agent takes (256 arguments): handed back, and the JVM says what is wrong (it ended the
            // launcher by SIGPIPE, exit 141, as the agent closed while the launcher still wrote)
            List<String> many = new ArrayList<>(List.of("-u", "bob", "-n", "1", "borrow"));
            for (int i = 0; i < 300; i++) {
                many.add(String.valueOf(i));
            }
            assertEquals(new ClusterFixture.Run(2, "", "usage: borrow <bookId>\n"), client(dir, many.toArray(String[]::new)));
            ClusterFixture.Run options = client(dir, "-u", "bob", "-n", "1", "-n", "2", "list");
            assertEquals(2, options.code(), options.toString());
            assertTrue(options.err().startsWith("RmiClient: option '--node' (ID) should be specified only once"), options.err());

            // strangers on the agent's port, thirty of them at once: refused, and one line in its log, not thirty
            int port = Integer.parseInt(Files.readString(agentFile).split(" ")[0]);
            for (int i = 0; i < 30; i++) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.getOutputStream().write("shelf-launcher not-the-proof\n".getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().read(); // the agent's greeting
                } catch (java.io.IOException e) {
                    // refused and closed: what a stranger gets
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> agentLog(dir).contains("refused a caller"));
            ClusterFixture.Run after = client(dir, "-u", "bob", "-n", "1", "list"); // served after the flood
            assertEquals(0, after.code(), after.toString());
            long refusals = agentLog(dir).lines().filter(l -> l.contains("refused") || l.contains("connection failed")).count();
            assertTrue(refusals <= 2, agentLog(dir));

            Files.delete(agentFile); // the agent stops, and says how many it ran: all but the first
            String stopped = "stops: " + dir.relativize(agentFile) + " was removed; it ran 7 commands";
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> agentLog(dir).contains(stopped));
        }
    }

    @Test
    void aStrangerOnTheAgentsPortIsToldNothingAndTheCommandRunsInAJvmOfItsOwn(@TempDir Path dir) throws Exception {
        ServerSocket stranger = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        try (ClusterFixture f = new ClusterFixture(dir, 1)) {
            f.cluster.startAll();
            f.cluster.awaitAgreement(List.of(1), LocalCluster.AGREEMENT_TIMEOUT);
            Path agentFile = agentFile(dir);
            // a file naming the stranger's port (as after an agent ended and another program took its port), and a live
            // process, so that no agent is started meanwhile
            Files.writeString(agentFile, stranger.getLocalPort() + " " + "aa".repeat(24) + " " + "bb".repeat(24) + " "
                    + ProcessHandle.current().pid() + "\n");
            Files.setPosixFilePermissions(agentFile, PosixFilePermissions.fromString("rw-------"));
            CompletableFuture<String> told = CompletableFuture.supplyAsync(() -> {
                try (Socket s = stranger.accept()) {
                    s.setSoTimeout(30_000);
                    OutputStream out = s.getOutputStream();
                    out.write(("shelf-agent " + "cc".repeat(24) + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    InputStream in = s.getInputStream();
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (Exception e) {
                    return "failed: " + e;
                }
            });

            ClusterFixture.Run r = client(dir, Map.of("SHELF_PIN", "2468"), "-u", "alice", "-n", "1", "list");
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("Pride and Prejudice"), r.toString());
            assertEquals("", told.get(30, TimeUnit.SECONDS), "the launcher sent the stranger nothing");
            // sh (dash) has no /dev/tcp: it asks no agent (its failed redirection once ended the launcher, exit 2)
            assertEquals(r, client(List.of("sh"), dir, Map.of(), "-u", "alice", "-n", "1", "list"));

            stranger.close(); // now nobody listens on the port the file names
            ClusterFixture.Run again = client(dir, "-u", "alice", "-n", "1", "list");
            assertEquals(r, again);
        } finally {
            stranger.close();
        }
    }
}
