package shelf.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import shelf.library.Json;

/**
 * Runs the Curator side of {@code bench lock --vs-curator}: {@code shelf.bench.CuratorLockBench} (a test class: Curator
 * and ZooKeeper are test dependencies, not in the node's jar) in a JVM of its own, with the class path the build wrote
 * next to the jar ({@code target/curator.classpath}, {@code target/test-classes}), and reads back its median figures.
 *
 * <p>Two settings, each its own JVM: ZooKeeper as shipped ({@code forceSync=yes}: every change fsynced to its
 * transaction log before it is acknowledged), and {@code forceSync=no}, the fair comparison for a lock whose state, as
 * Shelf's, lives in memory.
 */
final class CuratorAnchor {
    static final String CLASSPATH_FILE = "curator.classpath";
    static final String TEST_CLASSES = "test-classes";
    static final String MAIN = "shelf.bench.CuratorLockBench";
    /** ZooKeeper's log, in the Curator JVM's temporary folder. */
    static final String LOG = "zookeeper.log";
    /** Ample for a ZooKeeper server to start, warm up and run, even on a busy two-core machine. */
    private static final long TIMEOUT_SECONDS = 600;

    private final Path jar;

    /** The results' name of Curator's figure with ZooKeeper's fsync on (as shipped) or off. */
    static String name(boolean forceSync) {
        return "Curator InterProcessMutex, ZooKeeper forceSync=" + (forceSync ? "yes" : "no");
    }

    CuratorAnchor(Path jar) {
        this.jar = jar;
    }

    /**
     * The Curator JVM's command line: its temporary files (ZooKeeper's data, the configuration file ZooKeeper writes
     * and never deletes, the log) go to {@code dir}.
     *
     * @throws IllegalStateException naming the build step when the class path file is missing (a jar copied elsewhere)
     */
    List<String> command(boolean forceSync, int cycles, int runs, int warmUpSeconds, Path dir) throws IOException {
        Path file = jar.resolveSibling(CLASSPATH_FILE);
        Path testClasses = jar.resolveSibling(TEST_CLASSES);
        if (!Files.isRegularFile(file) || !Files.isDirectory(testClasses)) {
            throw new IllegalStateException("--vs-curator needs " + file + " and " + testClasses
                    + ", which 'mvn -B -q package -DskipTests' writes next to the jar");
        }
        String classpath = String.join(java.io.File.pathSeparator, jar.toString(), testClasses.toString(),
                Files.readString(file, StandardCharsets.UTF_8).strip());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dzookeeper.forceSync=" + (forceSync ? "yes" : "no"),
                "-Djava.io.tmpdir=" + dir,
                "-Dshelf.test.log.file=" + dir.resolve(LOG), // the test classes' logback-test.xml: ZooKeeper's log goes there
                "-cp", classpath, MAIN,
                "--cycles", String.valueOf(cycles), "--runs", String.valueOf(runs), "--warm-up", String.valueOf(warmUpSeconds)));
        return command;
    }

    /** Runs Curator's cycles in their own JVM and returns the median run; its progress lines go to this process's stderr. */
    Stats run(boolean forceSync, int cycles, int runs, int warmUpSeconds) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("shelf-curator-bench");
        try {
            Process p = new ProcessBuilder(command(forceSync, cycles, runs, warmUpSeconds, dir))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the Curator benchmark did not end within " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0 || out.isEmpty()) {
                throw new IllegalStateException("the Curator benchmark failed (exit " + p.exitValue() + "; see its lines above)");
            }
            String last = out.substring(out.lastIndexOf('\n') + 1);
            return Json.MAPPER.readValue(last, Stats.class);
        } finally {
            BenchCluster.delete(dir);
        }
    }
}
