package shelf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        List<String> command = new CuratorAnchor(jar).command(false, 100, 3, 7, dir.resolve("zk.log"));

        String classpath = command.get(command.indexOf("-cp") + 1);
        assertTrue(classpath.startsWith(jar + ":" + dir.resolve("test-classes") + ":"), classpath);
        assertTrue(command.contains("-Dzookeeper.forceSync=no"));
        assertTrue(command.contains("-Dshelf.test.log.file=" + dir.resolve("zk.log")));
        assertEquals(List.of(CuratorAnchor.MAIN, "--cycles", "100", "--runs", "3", "--warm-up", "7"),
                command.subList(command.indexOf(CuratorAnchor.MAIN), command.size()));
        assertTrue(new CuratorAnchor(jar).command(true, 1, 1, 0, dir.resolve("zk.log")).contains("-Dzookeeper.forceSync=yes"));
    }

    @Test
    void withoutTheBuildsClassPathItSaysWhichStepWritesIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new CuratorAnchor(dir.resolve("shelf.jar")).command(true, 1, 1, 0, dir.resolve("zk.log")));
        assertTrue(e.getMessage().contains("mvn -B -q package -DskipTests"), e.getMessage());
    }

    @Test
    void aTinyRunOfCuratorsMutexComesBackAsFigures() throws Exception {
        Stats stats = new CuratorAnchor(aBuild()).run(false, 20, 1, 0);

        assertEquals(20, stats.count());
        assertTrue(stats.perSecond() > 0);
        assertTrue(stats.p50() <= stats.p99() && stats.p99() <= stats.max());
    }
}
