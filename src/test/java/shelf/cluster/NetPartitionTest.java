package shelf.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A real partition with iptables: the rules it makes (always checked), and, where this machine allows it (root,
 * iptables, setpriv, NET_ADMIN; otherwise skipped with the reason printed), that a process under one node's group id
 * cannot connect to a node of the other side, can to its own side, and can again once the chain is removed.
 */
class NetPartitionTest {
    /** Node 1's group id in this process's block (the block comes from the pid, so two tests side by side differ). */
    private static final int ONE = NetPartition.gid((int) (ProcessHandle.current().pid() % 2_000), 1);
    private static final Map<Integer, String> HOSTS = Map.of(1, "127.0.0.11", 2, "127.0.0.12", 4, "127.0.0.14");

    @Test
    void dropsEachNodesPacketsToTheOtherSidesAddressesByItsGroup() {
        List<List<String>> rules = NetPartition.drops(List.of(Set.of(1), Set.of(4)), HOSTS);
        assertEquals(List.of(
                List.of("-m", "owner", "--gid-owner", String.valueOf(ONE), "-d", "127.0.0.14", "-j", "DROP"),
                List.of("-m", "owner", "--gid-owner", String.valueOf(ONE + 3), "-d", "127.0.0.11", "-j", "DROP")), rules);
        assertEquals(List.of("setpriv", "--regid=" + (ONE + 2), "--clear-groups", "--"), NetPartition.launcher(3));
    }

    @Test
    void refusesAnAddressOutsideItsFive() {
        assertThrows(IllegalArgumentException.class, () -> NetPartition.split(List.of(Set.of(1), Set.of(2)),
                Map.of(1, "127.0.0.1", 2, "127.0.0.12"), Duration.ofSeconds(1)));
    }

    private static void assumeAvailable() {
        Optional<String> why = NetPartition.unavailable();
        why.ifPresent(w -> System.out.println("NetPartitionTest: skipped: " + w));
        assumeTrue(why.isEmpty(), () -> why.orElse(""));
    }

    @Test
    void aRealPartitionCutsTheOtherSideOnlyAndIsAlwaysRemoved() throws Exception {
        assumeAvailable();
        try (ServerSocket four = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.14"));
             ServerSocket two = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.12"))) {
            assertTrue(connects(1, four), "before");
            String chain;
            try (NetPartition p = NetPartition.split(List.of(Set.of(1, 2), Set.of(4)), HOSTS, Duration.ofSeconds(60))) {
                chain = p.chain();
                assertTrue(rules().contains("-N " + chain), rules());
                assertFalse(connects(1, four), "node 1 cannot reach node 4");
                assertTrue(connects(1, two), "node 1 reaches node 2 on its side");
            }
            assertFalse(rules().contains(chain), rules());
            assertTrue(connects(1, four), "healed");
        }
    }

    @Test
    void theTimeoutRemovesAPartitionNobodyClosed() throws Exception {
        assumeAvailable();
        NetPartition p = NetPartition.split(List.of(Set.of(1), Set.of(4)), HOSTS, Duration.ofSeconds(1));
        assertTrue(rules().contains("-N " + p.chain()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !rules().contains(p.chain()));
    }

    /** Whether a process under node {@code id}'s group id connects to {@code server} within two seconds. */
    private static boolean connects(int id, ServerSocket server) throws Exception {
        List<String> command = new ArrayList<>(NetPartition.launcher(id));
        command.addAll(List.of("timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + server.getInetAddress().getHostAddress()
                + "/" + server.getLocalPort()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return p.exitValue() == 0;
    }

    private static String rules() throws Exception {
        Process p = new ProcessBuilder("iptables", "-w", "-S").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(20, TimeUnit.SECONDS);
        return out;
    }
}
