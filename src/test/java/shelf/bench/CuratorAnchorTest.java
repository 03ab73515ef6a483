package shelf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CuratorAnchorTest {
    @TempDir
    Path dir;

    /** A folder laid out as target/ after mvn package: the jar (here the main classes), test-classes, curator.classpath. */
    private Path aBuild() throws Exception {
        Path jar = Files.createSymbolicLink(dir.resolve("shelf.jar"), Path.of("target", "classes").toAbsolutePath());
        Files.createSymbolicLink(dir.resolve(CuratorAnchor.TEST_CLASSES), Path.of("target", "test-classes").toAbsolutePath());
        Files.writeString(dir.resolve(CuratorAnchor.CLASSPATH_FILE), System.getProperty("java.class.path") + "\n");
        return jar;
    }

    @Test
    void theCuratorJvmGetsTheBuildsClassPathAndTheFsyncSetting() throws Exception {
        Path jar = aBuild();
        Path tmp = dir.resolve("tmp");
        List<String> command = new CuratorAnchor(jar).command(false, 100, 3, 7, tmp);

        String classpath = command.get(command.indexOf("-cp") + 1);
        assertTrue(classpath.startsWith(jar + ":" + dir.resolve("test-classes") + ":"), classpath);
        assertTrue(command.contains("-Dzookeeper.forceSync=no"));
        assertTrue(command.contains("-Dshelf.test.log.file=" + tmp.resolve(CuratorAnchor.LOG)));
        assertTrue(command.contains("-Djava.io.tmpdir=" + tmp), "ZooKeeper's leftovers go where the run deletes them");
        assertEquals(List.of(CuratorAnchor.MAIN, "--cycles", "100", "--runs", "3", "--warm-up", "7"),
                command.subList(command.indexOf(CuratorAnchor.MAIN), command.size()));
        assertTrue(new CuratorAnchor(jar).command(true, 1, 1, 0, tmp).contains("-Dzookeeper.forceSync=yes"));
    }

    @Test
    void withoutTheBuildsClassPathItSaysWhichStepWritesIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new CuratorAnchor(dir.resolve("shelf.jar")).command(true, 1, 1, 0, dir.resolve("tmp")));
        assertTrue(e.getMessage().contains("mvn -B -q package -DskipTests"), e.getMessage());
    }

    @Test
    void aTinyRunOfCuratorsMutexComesBackAsFiguresAndLeavesNothingBehind() throws Exception {
        Set<String> before = leftovers();
        Stats stats = new CuratorAnchor(aBuild()).run(false, 20, 1, 0);

        assertEquals(20, stats.count());
        assertTrue(stats.perSecond() > 0);
        assertTrue(stats.p50() <= stats.p99() && stats.p99() <= stats.max());
        Set<String> after = leftovers();
        after.removeAll(before);
        assertEquals(Set.of(), after, "left in " + System.getProperty("java.io.tmpdir"));
    }

    /** What a Curator run could leave in this JVM's temporary folder: its own folder, ZooKeeper's configuration file. */
    private static Set<String> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("shelf-curator-bench") || n.startsWith("zookeeper.configuration"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
