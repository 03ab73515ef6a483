package shelf.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/shelf} with a stand-in for {@code java} that writes down its arguments (and the archive it is asked for). */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("bin", "shelf").toAbsolutePath();

    @TempDir
    Path dir;
    Path jar;
    Path calls;
    Path java;

    @BeforeEach
    void aJarAndAJava() throws Exception {
        jar = Files.write(dir.resolve("shelf.jar"), new byte[] {1});
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        calls = dir.resolve("calls");
        java = dir.resolve("java");
        Files.writeString(java, String.join("\n", "#!/bin/sh",
                "echo \"$@\" >> " + calls,
                "for a in \"$@\"; do case $a in",
                "  -XX:DumpLoadedClassList=*) echo 'java/lang/Object id: 0' > \"${a#*=}\" ;;",
                "  -XX:SharedArchiveFile=*) [ \"$1\" = -Xshare:dump ] && echo archive > \"${a#*=}\" ;;",
                "esac; done",
                "[ \"$1\" = -Xshare:dump ] && exit ${DUMP_EXIT:-0}",
                "exit ${EXIT:-0}", ""), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    }

    private int run(Map<String, String> env, String... args) throws Exception {
        return runIn(null, env, args);
    }

    /** {@link #run} in folder {@code cwd} (null: this JVM's). */
    private int runIn(Path cwd, Map<String, String> env, String... args) throws Exception {
        ProcessBuilder b = new ProcessBuilder();
        if (cwd != null) {
            b.directory(cwd.toFile());
        }
        b.command().add(LAUNCHER.toString());
        b.command().addAll(List.of(args));
        b.environment().put("JAVA", java.toString());
        b.environment().put("SHELF_JAR", jar.toString());
        b.environment().remove("SHELF_CDS");
        b.environment().remove("JAVA_OPTS");
        b.environment().put("SHELF_AGENT", "off"); // no client agent started with this stand-in for java
        b.environment().putAll(env);
        Process p = b.inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }

    private List<String> calls() throws Exception {
        return Files.readAllLines(calls);
    }

    private String lastCall() throws Exception {
        List<String> lines = calls();
        return lines.get(lines.size() - 1);
    }

    private boolean left(String suffix) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(suffix));
        }
    }

    private boolean leftOver() throws Exception {
        return left(".tmp") || left(".classlist");
    }

    @Test
    void theFirstRunRecordsTheClassesItLoadsTheArchiveIsDumpedAndTheNextRunMapsIt() throws Exception {
        Path archive = dir.resolve("shelf-RmiClient.jsa");

        assertEquals(0, run(Map.of(), "RmiClient", "-u", "alice", "-n", "1", "list"));
        List<String> first = calls();
        assertEquals(2, first.size(), first.toString());
        assertTrue(first.get(0).startsWith("-XX:DumpLoadedClassList=" + archive + "."), first.get(0));
        assertTrue(first.get(0).endsWith(" -cp " + jar + " RmiClient -u alice -n 1 list"), first.get(0));
        assertTrue(first.get(1).startsWith("-Xshare:dump -XX:SharedClassListFile=" + archive + "."), first.get(1));
        assertTrue(first.get(1).contains(" -XX:SharedArchiveFile=" + archive + "."), first.get(1));
        assertTrue(first.get(1).endsWith(" -cp " + jar), first.get(1));
        assertEquals(List.of("archive"), Files.readAllLines(archive));
        assertFalse(leftOver());

        assertEquals(0, run(Map.of(), "RmiClient", "-u", "alice", "-n", "1", "list"));
        assertEquals("-XX:SharedArchiveFile=" + archive + " -XX:TieredStopAtLevel=1 -cp " + jar + " RmiClient -u alice -n 1 list",
                lastCall());
        assertEquals(3, calls().size());

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5))); // a new build: record again
        assertEquals(0, run(Map.of(), "RmiClient", "list"));
        assertTrue(calls().get(3).startsWith("-XX:DumpLoadedClassList="), calls().get(3));
    }

    @Test
    void aFailedRunKeepsNoArchiveAndItsExitCode() throws Exception {
        assertEquals(3, run(Map.of("EXIT", "3"), "RmiClient", "list"));
        assertEquals(1, calls().size()); // no dump
        assertFalse(left(".jsa"));
        assertFalse(leftOver());
    }

    @Test
    void aDumpThatFailsKeepsNoArchiveAndTheRunsExitCode() throws Exception {
        assertEquals(0, run(Map.of("DUMP_EXIT", "1"), "RmiClient", "list"));
        assertEquals(2, calls().size());
        assertFalse(left(".jsa"));
        assertFalse(leftOver());
    }

    @Test
    void aClusterStoppedBySigtermKeepsItsArchive() throws Exception {
        assertEquals(143, run(Map.of("EXIT", "143"), "cluster"));
        assertTrue(Files.exists(dir.resolve("shelf-cluster.jsa")));
    }

    @Test
    void sigtermToTheLauncherReachesJava() throws Exception {
        Files.writeString(java, String.join("\n", "#!/bin/sh",
                "trap 'echo stopped >> " + calls + "; exit 143' TERM",
                "echo started >> " + calls,
                "while :; do sleep 0.1; done", ""), StandardCharsets.UTF_8);
        ProcessBuilder b = new ProcessBuilder(LAUNCHER.toString(), "RmiNode", "1");
        b.environment().put("JAVA", java.toString());
        b.environment().put("SHELF_JAR", jar.toString());
        b.environment().remove("SHELF_CDS");
        Process p = b.inheritIO().start();
        while (!Files.exists(calls)) {
            Thread.sleep(50);
        }
        p.destroy(); // SIGTERM to the launcher
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue());
        assertEquals(List.of("started", "stopped"), Files.readAllLines(calls));
    }

    @Test
    void aStoppedClientAgentIsNotAskedSoTheCommandDoesNotWaitForIt() throws Exception {
        Path resources = Files.createDirectories(dir.resolve("resources"));
        Process stopped = new ProcessBuilder("sleep", "600").start();
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            assertEquals(0, new ProcessBuilder("kill", "-STOP", String.valueOf(stopped.pid())).start().waitFor());
            // the agent's file as an agent writes it: its port, its proofs, its process (stopped, as by SIGSTOP)
            String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip().replaceAll("[^A-Za-z0-9_.-]", "_");
            Path agentFile = resources.resolve("client-agent." + host);
            Files.writeString(agentFile, silent.getLocalPort() + " agent-proof launcher-proof " + stopped.pid() + "\n");
            Files.setPosixFilePermissions(agentFile, PosixFilePermissions.fromString("rw-------"));

            assertEquals(0, runIn(dir, Map.of("SHELF_AGENT", "on", "SHELF_CDS", "off"), "RmiClient", "-u", "alice", "list"));
            assertEquals(1, calls().size(), "a JVM of its own ran the command");
            silent.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, silent::accept, "the launcher asked a stopped agent and waited");
        } finally {
            stopped.destroyForcibly();
        }
    }

    @Test
    void ctrlCReachesJavaOnTheFirstRunToo() throws Exception {
        // a command run in the background of a script ignores SIGINT, as java does then (and this stand-in for it)
        Files.writeString(java, String.join("\n", "#!/bin/sh",
                "trap 'echo interrupted >> " + calls + "; exit 130' INT",
                "trap 'echo stopped >> " + calls + "; exit 143' TERM",
                "echo started >> " + calls,
                "while :; do sleep 0.1; done", ""), StandardCharsets.UTF_8);
        // its own process group, as a terminal's foreground job: Ctrl-C is SIGINT to the whole group
        ProcessBuilder b = new ProcessBuilder("setsid", LAUNCHER.toString(), "admin", "-n", "2", "hold", "600000");
        b.environment().put("JAVA", java.toString());
        b.environment().put("SHELF_JAR", jar.toString());
        b.environment().remove("SHELF_CDS");
        Process p = b.inheritIO().start();
        try {
            while (!Files.exists(calls)) {
                Thread.sleep(50);
            }
            assertEquals(0, new ProcessBuilder("kill", "-INT", "--", "-" + p.pid()).inheritIO().start().waitFor());
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the launcher and its java still run after Ctrl-C");
            assertEquals(130, p.exitValue());
            assertEquals(List.of("started", "stopped"), Files.readAllLines(calls)); // as SIGTERM: the JVM's hooks run
        } finally {
            new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).start().waitFor();
        }
    }

    @Test
    void aCommandOfTheJarHasItsOwnArchive() throws Exception {
        assertEquals(0, run(Map.of(), "cluster", "--nodes", "1,2"));
        assertTrue(calls().get(0).endsWith(" -cp " + jar + " shelf.cli.ShelfCommand cluster --nodes 1,2"), calls().get(0));
        assertTrue(Files.exists(dir.resolve("shelf-cluster.jsa")));
    }

    /** Tools run on C1 alone (a short life compiles less); what carries load keeps the full JIT; JAVA_OPTS comes last. */
    @Test
    void theToolsRunOnC1AloneTheNodesBenchAndChaosOnTheFullJit() throws Exception {
        for (String tool : List.of("RmiClient", "CreateBooks", "cluster", "admin", "client")) {
            assertEquals(0, run(Map.of("SHELF_CDS", "off"), tool));
            assertTrue(lastCall().startsWith("-XX:TieredStopAtLevel=1 -cp "), tool + ": " + lastCall());
        }
        for (String loaded : List.of("RmiNode", "node", "bench", "chaos")) {
            assertEquals(0, run(Map.of("SHELF_CDS", "off"), loaded));
            assertFalse(lastCall().contains("TieredStopAtLevel"), loaded + ": " + lastCall());
        }
        assertEquals(0, run(Map.of("SHELF_CDS", "off", "JAVA_OPTS", "-XX:TieredStopAtLevel=4"), "RmiClient"));
        assertTrue(lastCall().startsWith("-XX:TieredStopAtLevel=1 -XX:TieredStopAtLevel=4 -cp "), lastCall());
    }

    @Test
    void throughASymbolicLinkItFindsTheJarBesideTheLaunchersRealPlace() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.createDirectories(project.resolve("bin"));
        Files.createDirectories(project.resolve("target"));
        Path launcher = Files.copy(LAUNCHER, project.resolve("bin").resolve("shelf"));
        Files.copy(jar, project.resolve("target").resolve("shelf.jar"));
        Path onPath = Files.createDirectories(dir.resolve("path"));
        Files.createSymbolicLink(onPath.resolve("shelf"), onPath.relativize(launcher));
        ProcessBuilder b = new ProcessBuilder(onPath.resolve("shelf").toString(), "RmiClient", "-u", "alice", "list");
        b.environment().put("JAVA", java.toString());
        b.environment().remove("SHELF_JAR");
        b.environment().put("SHELF_CDS", "off");
        b.environment().put("SHELF_AGENT", "off");
        Process p = b.inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        Path bin = project.toRealPath().resolve("bin");
        assertEquals("-XX:TieredStopAtLevel=1 -cp " + bin + "/../target/shelf.jar RmiClient -u alice list", lastCall());
    }

    @Test
    void switchedOffItRunsPlainJava() throws Exception {
        assertEquals(0, run(Map.of("SHELF_CDS", "off", "JAVA_OPTS", "-Xmx64m"), "RmiNode", "1"));
        assertEquals("-Xmx64m -cp " + jar + " RmiNode 1", lastCall());
    }
}
