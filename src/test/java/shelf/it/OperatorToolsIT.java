package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.cluster.LocalCluster;

/** Issue 5: the demo end to end, and jshell driven through standard input against a running node. */
class OperatorToolsIT {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void theDemoRunsEndToEndAndLeavesNoProcessBehind(@TempDir Path dir) throws Exception {
        // the demo leaves its timeline beside its temporary folder for the user to open: here, in the test's folder;
        // its nodes run on the process tests' C1 options, through --jvm
        ClusterFixture.Run demo = ClusterFixture.exec(dir, List.of(JAVA, "-Djava.io.tmpdir=" + dir, "-jar",
                LocalCluster.currentJar().toString(), "demo", "--jvm", ClusterFixture.NODE_JVM_OPTION));
        assertEquals(0, demo.code(), demo.toString());
        assertTrue(demo.out().contains("Consistent: five nodes, one library"), demo.out());
        assertTrue(demo.out().contains("revocations so far: 1"), demo.out());
        assertTrue(demo.out().contains("All five node processes are stopped."), demo.out());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().matches("shelf-demo\\d+-timeline-\\d+\\.html")).count(),
                    "the run's timeline, named in: " + demo.out());
        }
        long leftovers = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("shelf-demo")).count();
        assertEquals(0, leftovers, "no node process of the demo is left");
    }

    @Test
    void jshellAdminSessionAgainstARunningNode(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 2)) {
            f.cluster.startAll();
            f.awaitAgreement(List.of(1, 2));
            Path script = Path.of("src/main/jshell/admin.jsh").toAbsolutePath();
            Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
            Process p = new ProcessBuilder(jshell.toString(), "--class-path", LocalCluster.currentJar().toString(),
                    script.toString())
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().write(String.join("\n", "status()", "System.out.println(node(1).ping(2))",
                    "System.out.println(node(2).lockTable())", "/exit", "").getBytes());
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertTrue(out.contains("Shelf admin: nodes [1, 2]"), out);
            assertTrue(out.contains("COORDINATOR"), out);
            assertTrue(out.contains("node 2 at 127.0.0.1:"), out);
            assertTrue(out.contains("serving in epoch"), out);
            assertTrue(Files.exists(dir.resolve("nodes.properties")));
        }
    }
}
