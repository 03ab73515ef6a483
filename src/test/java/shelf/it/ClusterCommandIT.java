package shelf.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.cluster.LocalCluster;

/** Issue 5: {@code shelf cluster} as a user runs it: starts the nodes, serves, and stops them all on SIGTERM. */
class ClusterCommandIT {

    @Test
    void startsEveryNodeStreamsLogsReportsACrashAndLeavesNoProcessBehind(@TempDir Path dir) throws Exception {
        List<Integer> ports = LocalCluster.freePorts(3);
        List<String> config = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            config.add("node." + id + "=127.0.0.1:" + ports.get(id - 1));
        }
        Files.write(dir.resolve("nodes.properties"), config);
        Path out = dir.resolve("cluster.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = LocalCluster.currentJar().toString();
        Process cluster = new ProcessBuilder(java, "-jar", jar, "cluster", "--no-color").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Files.readString(out).contains("Logs follow."));
            String banner = Files.readString(out);
            assertTrue(banner.contains("3 nodes agree on coordinator node 3"), banner);
            assertTrue(Files.exists(dir.resolve("resources/catalog.json")), "the library was created");
            List<Long> pids = new ArrayList<>();
            Matcher m = Pattern.compile("pid (\\d+)").matcher(banner);
            while (m.find()) {
                pids.add(Long.parseLong(m.group(1)));
            }
            assertEquals(3, pids.size(), banner);

            ClusterFixture.Run borrow = ClusterFixture.exec(dir, List.of(java, "-cp", jar, "RmiClient", "-u", "alice", "-n", "1",
                    "borrow", "3"));
            assertEquals(0, borrow.code(), borrow.toString());
            ClusterFixture.Run crash = ClusterFixture.exec(dir, List.of(java, "-jar", jar, "admin", "-n", "3", "crash"));
            assertEquals(0, crash.code(), crash.toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(out).contains("node 3 exited with code 137"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.readString(out).contains("[2] node 2: role CANDIDATE -> COORDINATOR"));
            assertTrue(Files.readString(out).contains("[1] node 1: "), "node 1's log is streamed with its prefix");

            cluster.destroy();
            assertTrue(cluster.waitFor(30, TimeUnit.SECONDS), "SIGTERM stops the cluster command");
            for (long pid : pids) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "node process " + pid + " is gone");
            }
            assertTrue(Files.readString(out).contains("All nodes stopped."));
        } finally {
            cluster.descendants().forEach(ProcessHandle::destroyForcibly);
            cluster.destroyForcibly();
        }
    }
}
