package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.cluster.LocalCluster;

/**
 * The launchers as a user types them (issue 15, items 9 and 10): each one's help names the command typed and its
 * {@code --version} prints the pom's version; the README's SecurityManager command starts a node in a terminal.
 */
class LaunchersIT {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private static ClusterFixture.Run java(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(args));
        return ClusterFixture.exec(dir, command);
    }

    @Test
    void eachLaunchersHelpNamesTheCommandTypedAndVersionIsThePoms(@TempDir Path dir) throws Exception {
        String jar = LocalCluster.currentJar().toString();
        Map<String, List<String>> launchers = Map.of(
                "Usage: RmiClient", List.of("-cp", jar, "RmiClient"),
                "Usage: RmiNode", List.of("-cp", jar, "RmiNode"),
                "Usage: CreateBooks", List.of("-cp", jar, "CreateBooks"),
                "Usage: shelf.jar client", List.of("-jar", jar, "client"),
                "Usage: shelf.jar init", List.of("-jar", jar, "init"),
                "Usage: shelf.jar [", List.of("-jar", jar));
        for (Map.Entry<String, List<String>> launcher : launchers.entrySet()) {
            List<String> help = new ArrayList<>(launcher.getValue());
            help.add("--help");
            ClusterFixture.Run run = java(dir, help.toArray(String[]::new));
            assertEquals(0, run.code(), run.toString());
            assertTrue(run.out().startsWith(launcher.getKey()), help + " printed: " + run.out());

            List<String> version = new ArrayList<>(launcher.getValue());
            version.add("--version");
            run = java(dir, version.toArray(String[]::new));
            assertEquals(0, run.code(), run.toString());
            assertTrue(run.out().matches("Shelf \\d+\\.\\d+\\.\\d+\\S* on Java .*\\R"), version + " printed: " + run.out());
        }
    }

    /**
     * {@code bin/shelf}'s first run writes down the classes it loads and dumps a static archive from them; the JVM maps
     * it ({@code -Xshare:on} makes one it cannot map an error), with picocli's classes in it.
     */
    @Test
    void theLauncherDumpsAnArchiveTheJvmMaps(@TempDir Path dir) throws Exception {
        Path jar = Files.copy(LocalCluster.currentJar(), dir.resolve("shelf.jar"));
        ClusterFixture.Run first = ClusterFixture.exec(dir, launcher(jar, "RmiClient", "--help"), Duration.ofSeconds(60));
        assertEquals(0, first.code(), first.toString());
        Path archive = dir.resolve("shelf-RmiClient.jsa");
        assertTrue(Files.size(archive) > 0);
        try (var files = Files.list(dir)) {
            assertEquals(List.of("shelf-RmiClient.jsa", "shelf.jar"),
                    files.map(f -> f.getFileName().toString()).sorted().toList()); // the list and the dump are gone
        }

        ClusterFixture.Run mapped = java(dir, "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info",
                "-cp", jar.toString(), "RmiClient", "--help");
        assertEquals(0, mapped.code(), mapped.toString());
        assertTrue(mapped.out().contains(" RmiClient source: shared objects file"), mapped.out());
        assertTrue(mapped.out().contains(" picocli.CommandLine source: shared objects file"), mapped.out());
    }

    /** {@code bin/shelf} with {@code args}, running {@code jar} with this JVM's java, archives on, no options from outside. */
    private static ProcessBuilder launcher(Path jar, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of("bin", "shelf").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder launcher = new ProcessBuilder(command);
        launcher.environment().put("SHELF_JAR", jar.toString());
        launcher.environment().put("JAVA", JAVA);
        launcher.environment().remove("SHELF_CDS");
        launcher.environment().remove("JAVA_OPTS");
        return launcher;
    }

    /**
     * A parent that stops reading {@code bin/shelf}'s output (Java's {@code Process.destroy} closes the pipe, as
     * {@code bench startup} did; {@code | head}) does not keep the first run from writing its archive and removing its
     * class list: the launcher's own line about the archive met a closed pipe and ended the script there.
     */
    @Test
    void theArchiveIsWrittenWhenNoOneReadsTheLaunchersOutputAnyMore(@TempDir Path dir) throws Exception {
        Path jar = Files.copy(LocalCluster.currentJar(), dir.resolve("shelf.jar"));
        Process p = launcher(jar, "RmiClient", "--help").directory(dir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().close(); // before the JVM has printed anything: every write of the run meets a closed pipe
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher ends");
        assertEquals(0, p.exitValue());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("shelf-RmiClient.jsa", "shelf.jar"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void theReadmesSecurityManagerCommandStartsANodeInATerminal(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) gives the node a terminal");
        int port = LocalCluster.freePorts(1).get(0);
        Files.writeString(dir.resolve("nodes.properties"), "node.1=127.0.0.1:" + port + "\n");
        Files.copy(Path.of("security.policy"), dir.resolve("security.policy"));
        Path jar = LocalCluster.currentJar();
        assertEquals(0, java(dir, "-cp", jar.toString(), "CreateBooks").code());

        String readme = "java -Djava.security.manager -Djava.security.policy=security.policy -cp " + jar + " RmiNode 1";
        Path out = dir.resolve("terminal.out");
        Process script = new ProcessBuilder("script", "-qc", readme, "/dev/null").directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectErrorStream(true).start();
        try {
            Path log = dir.resolve("logs").resolve("node-1.log");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !script.isAlive()
                    || Files.exists(log) && Files.readString(log).contains("node 1: won the election"));
            String terminal = Files.readString(out);
            assertTrue(script.isAlive(), "the node stopped: " + terminal);
            assertFalse(terminal.contains("access denied"), terminal);
        } finally {
            script.descendants().forEach(ProcessHandle::destroy);
            script.destroy();
            script.waitFor();
        }
    }
}
