package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import shelf.cluster.LocalCluster;

/** {@code demo}'s options, as the README lists them: {@code --keep} and the nodes' {@code --jvm}. */
class DemoCommandTest {
    @Test
    void theNodesJvmOptionsDefaultAsEveryCommandsAndCanBeGiven() {
        DemoCommand byDefault = new DemoCommand();
        new CommandLine(byDefault).parseArgs();
        assertEquals(List.of(LocalCluster.NODE_JVM_OPTIONS.split(" ")), byDefault.jvm);

        DemoCommand given = new DemoCommand();
        new CommandLine(given).parseArgs("--keep", "--jvm", "-Xmx96m -XX:TieredStopAtLevel=1");
        assertEquals(List.of("-Xmx96m", "-XX:TieredStopAtLevel=1"), given.jvm);
        assertTrue(given.keep);
    }
}
