package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.ConnectException;
import java.rmi.ConnectIOException;
import java.rmi.NoSuchObjectException;
import java.rmi.NotBoundException;
import java.rmi.UnmarshalException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import shelf.api.AdminService;
import shelf.api.NodeStatus;
import shelf.api.UnavailableException;
import shelf.election.Role;
import shelf.fencing.FencingToken;
import shelf.library.Json;
import shelf.lock.LockPhase;
import shelf.lock.LockTable;

/**
 * {@code shelf admin} against mocked {@link AdminService}s of a three-node configuration: the exit codes
 * (DESIGN §1: 2 usage, 3 unavailable; literal here, as scripts see them), the one-line messages, and that
 * stdout holds only results (one JSON document with {@code --json}).
 */
class AdminCommandTest {
    @TempDir
    Path dir;
    private Path config;
    /** The admin service of each node that answers a lookup; a lookup of any other goes to {@link #missing}. */
    private final Map<Integer, AdminService> nodes = new HashMap<>();
    private AdminCommand.Connector missing = (cluster, id) -> {
        throw new ConnectException("Connection refused to host: 127.0.0.1", new java.net.ConnectException("Connection refused"));
    };
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writeConfiguration() throws Exception {
        config = Files.write(dir.resolve("nodes.properties"),
                List.of("node.1=127.0.0.1:5001", "node.2=127.0.0.1:5002", "node.3=127.0.0.1:5003"));
        for (int id = 1; id <= 3; id++) {
            AdminService node = mock(AdminService.class);
            when(node.startElection()).thenReturn("node " + id + " started an election (or one was already under way)");
            nodes.put(id, node);
        }
    }

    private int admin(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        AdminCommand command = new AdminCommand();
        command.connector = (cluster, id) -> {
            AdminService node = nodes.get(id);
            return node != null ? node : missing.connect(cluster, id);
        };
        CommandLine line = Cli.commandLine(command);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        String[] all = Stream.concat(Stream.of("--config", config.toString()), Stream.of(args)).toArray(String[]::new);
        return line.execute(all);
    }

    /** Node 2's every call fails with {@code failure}. */
    private void node2Fails(Exception failure) {
        nodes.put(2, mock(AdminService.class, invocation -> {
            throw failure;
        }));
    }

    private JsonNode oneDocument() throws Exception {
        assertEquals(1, out.toString().strip().lines().count(), "one JSON document: " + out);
        return Json.MAPPER.readTree(out.toString());
    }

    static Stream<Arguments> remoteFailures() {
        return Stream.of(
                Arguments.of(new ConnectException("Connection refused to host: 127.0.0.1",
                        new java.net.ConnectException("Connection refused")), "connection refused: is it running?"),
                Arguments.of(new ConnectIOException("error during JRMP connection establishment",
                        new SocketTimeoutException("Read timed out")), "no answer in time: paused or overloaded?"),
                Arguments.of(new UnmarshalException("error unmarshalling return",
                        new SocketTimeoutException("Read timed out")), "no answer in time: paused or overloaded?"),
                Arguments.of(new NoSuchObjectException("no such object in table"), "NoSuchObjectException"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("remoteFailures")
    void anUnreachableNodeIsExitThreeWithOneLineOnStderr(Exception failure, String why) throws Exception {
        node2Fails(failure);
        String message = "node 2 at 127.0.0.1:5002 is not reachable (" + why + ")";

        assertEquals(3, admin("-n", "2", "elect"));
        assertEquals(message + "\n", err.toString());
        assertEquals("", out.toString());

        assertEquals(3, admin("-n", "2", "elect", "--json"));
        assertEquals("", err.toString());
        assertEquals(message, oneDocument().get("error").asText());
    }

    @Test
    void aNodeThatRefusesTheCredentialsIsExitFourWithOneLine() throws Exception {
        node2Fails(new SecurityException("node 2 refused AdminService.crash: AdminService.crash takes admin certificates"));
        assertEquals(4, admin("-n", "2", "crash"));
        assertEquals("node 2 refused AdminService.crash: AdminService.crash takes admin certificates\n", err.toString());

        node2Fails(new ConnectIOException("error during JRMP connection establishment",
                new javax.net.ssl.SSLHandshakeException("Received fatal alert: certificate_unknown")));
        assertEquals(4, admin("-n", "2", "status", "--json"));
        assertEquals("the TLS handshake with node 2 at 127.0.0.1:5002 failed (Received fatal alert: certificate_unknown): is"
                + " resources/tls from this cluster's CA, or does the cluster run with tls=off?",
                oneDocument().get("error").asText());
    }

    @Test
    void aNodeWhoseRegistryHasNoAdminServiceYetIsUnreachable() throws Exception {
        nodes.remove(2);
        missing = (cluster, id) -> {
            throw new NotBoundException("AdminService");
        };
        assertEquals(3, admin("-n", "2", "status"));
        assertEquals("node 2 at 127.0.0.1:5002 is not reachable (NotBoundException)\n", err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void aNodeThatCannotServeInTimeIsExitThreeWithItsMessage() throws Exception {
        String message = "node 2 could not get the cluster lock within 8000 ms";
        node2Fails(new UnavailableException(message));

        assertEquals(3, admin("-n", "2", "hold", "100"));
        assertEquals(message + "\n", err.toString());
        assertEquals("", out.toString());

        assertEquals(3, admin("-n", "2", "hold", "100", "--json"));
        assertEquals("", err.toString());
        assertEquals(message, oneDocument().get("error").asText());
    }

    @Test
    void withAllTheNodesThatAnswerArePrintedAndTheOthersReported() throws Exception {
        nodes.remove(2);
        String down = "node 2 at 127.0.0.1:5002 is not reachable (connection refused: is it running?)";

        assertEquals(3, admin("--all", "elect"));
        assertEquals("node 1 started an election (or one was already under way)\n"
                + "node 3 started an election (or one was already under way)\n", out.toString());
        assertEquals(down + "\n", err.toString());

        assertEquals(3, admin("--all", "elect", "--json"));
        assertEquals("", err.toString());
        JsonNode doc = oneDocument();
        Map<String, Object> byNode = Json.MAPPER.convertValue(doc, new TypeReference<>() { });
        assertEquals(List.of("1", "2", "3"), List.copyOf(byNode.keySet()));
        assertEquals("node 3 started an election (or one was already under way)", doc.get("3").asText());
        assertEquals(down, doc.get("2").get("error").asText());
    }

    @Test
    void everyNodeAnsweringIsExitZero() throws Exception {
        assertEquals(0, admin("--all", "elect"));
        assertEquals(3, out.toString().lines().count(), out.toString());
        assertEquals("", err.toString());
        assertEquals(0, admin("-n", "1", "elect", "--json"));
        assertEquals("node 1 started an election (or one was already under way)", oneDocument().asText());
    }

    @Test
    void statusAsJsonIsOneDocumentAndAsATableOneRowPerNode() throws Exception {
        LockTable table = new LockTable(LockPhase.SERVING, 4, 1, new FencingToken(4, 9), 1500, List.of(2), 9, 0, 0);
        when(nodes.get(3).status()).thenReturn(new NodeStatus(3, Role.COORDINATOR, 3, 4, List.of(1, 2),
                null, 0, table, Map.of("lock.grants", 9L), "none"));

        assertEquals(0, admin("-n", "3", "status", "--json"));
        JsonNode status = oneDocument();
        assertEquals("COORDINATOR", status.get("role").asText());
        assertEquals(1, status.get("lock").get("holder").asInt());

        nodes.remove(1);
        when(nodes.get(2).status()).thenThrow(new UnmarshalException("error unmarshalling return",
                new SocketTimeoutException("Read timed out")));
        assertEquals(3, admin("--all", "status"));
        assertEquals(StatusTable.HEADER + "\n" + StatusTable.down(1, "connection refused: is it running?") + "\n"
                + StatusTable.noAnswer(2, "no answer in time: paused or overloaded?") + "\n"
                + StatusTable.row(nodes.get(3).status()) + "\n", out.toString());
        assertEquals("node 1 at 127.0.0.1:5001 is not reachable (connection refused: is it running?)\n"
                + "node 2 at 127.0.0.1:5002 is not reachable (no answer in time: paused or overloaded?)\n", err.toString());
    }

    @Test
    void aRequestTheNodeRejectsIsAUsageError() throws Exception {
        when(nodes.get(2).ping(2)).thenThrow(new IllegalArgumentException("node 2 is this node; ping another id from [1, 2, 3]"));
        assertEquals(2, admin("-n", "2", "ping", "2"));
        assertEquals("ping: node 2 is this node; ping another id from [1, 2, 3]\n", err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void anUnexpectedRemoteErrorIsExitThreeNamingTheNode() throws Exception {
        when(nodes.get(2).lockTable()).thenThrow(new IllegalStateException("node 2 did not answer status in time"));
        assertEquals(3, admin("-n", "2", "locks"));
        assertEquals("locks: node 2: node 2 did not answer status in time\n", err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void usageErrorsAskNoNode() throws Exception {
        assertEquals(2, admin("-n", "9", "elect"));
        assertEquals("elect: node 9 is not in " + config + " (configured ids: [1, 2, 3])\n", err.toString());
        assertEquals(2, admin("elect"));
        assertEquals("elect: choose one node with -n ID, or every node with --all\n", err.toString());
        assertEquals(2, admin("-n", "1", "--all", "elect"));
        assertEquals(2, admin("-n", "1", "--all", "status"));
        assertEquals("", out.toString(), "no table's header above a usage error");
        assertEquals(2, admin("--all", "--timeout", "0", "status"));
        assertEquals("", out.toString(), "no table's header above a usage error");
        err.getBuffer().setLength(0);
        assertEquals(2, admin("-n", "1", "cycles", "abc"));
        assertTrue(err.toString().contains("'abc' is not an int"), err.toString());
        assertEquals("", out.toString());
        for (AdminService node : nodes.values()) {
            verifyNoInteractions(node);
        }
    }

    @Test
    void theOperationGetsItsArguments() throws Exception {
        when(nodes.get(1).holdLock(anyLong())).thenReturn("node 1 held the lock (token 4:10) for 250 ms");
        assertEquals(0, admin("-n", "1", "hold", "250"));
        verify(nodes.get(1)).holdLock(250);
        assertTrue(out.toString().startsWith("node 1 held the lock"), out.toString());
    }

    @Test
    void aPausedNodeIsANoAnswerRowWithinTheTimeoutAndTheOthersAreAskedMeanwhile() throws Exception {
        NodeStatus three = new NodeStatus(3, Role.COORDINATOR, 3, 4, List.of(1, 2), null, 0,
                new LockTable(LockPhase.SERVING, 4, -1, null, 0, List.of(), 0, 0, 0), Map.of(), "none");
        for (int id : new int[] {1, 2}) {
            when(nodes.get(id).status()).thenAnswer(invocation -> {
                Thread.sleep(10_000); // paused (SIGSTOP): connected, never answers
                return null;
            });
        }
        when(nodes.get(3).status()).thenReturn(three);

        long started = System.nanoTime();
        assertEquals(3, admin("--all", "--timeout", "300", "status"));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs < 2_000, "both paused nodes waited for at once, about the timeout: " + tookMs + " ms");
        String silent = "no answer within 300 ms: paused or overloaded?";
        assertEquals(StatusTable.HEADER + "\n" + StatusTable.noAnswer(1, silent) + "\n" + StatusTable.noAnswer(2, silent)
                + "\n" + StatusTable.row(three) + "\n", out.toString());
        assertTrue(out.toString().contains("NO ANSWER"), out.toString());
        assertEquals("node 1 at 127.0.0.1:5001 is not reachable (" + silent + ")\n"
                + "node 2 at 127.0.0.1:5002 is not reachable (" + silent + ")\n", err.toString());

        assertEquals(3, admin("--all", "--timeout", "300", "status", "--json"));
        JsonNode doc = oneDocument();
        assertEquals("node 1 at 127.0.0.1:5001 is not reachable (" + silent + ")", doc.get("1").get("error").asText());
        assertEquals("COORDINATOR", doc.get("3").get("role").asText());
    }

    // ---- admin partition | heal | drop | delay | store-fault (AdminFaultCommands) ----

    private void faultsAnswer() throws Exception {
        for (AdminService node : nodes.values()) {
            when(node.faults()).thenReturn(shelf.api.Faults.NONE);
            when(node.setFaults(org.mockito.ArgumentMatchers.any())).thenReturn(shelf.api.Faults.NONE);
        }
    }

    @Test
    void partitionBlocksTheOtherSidesOnEveryNode() throws Exception {
        faultsAnswer();

        assertEquals(0, admin("partition", "1,2/3"));

        verify(nodes.get(1)).setFaults(new shelf.api.Faults(java.util.Set.of(3), 0, 0));
        verify(nodes.get(2)).setFaults(new shelf.api.Faults(java.util.Set.of(3), 0, 0));
        verify(nodes.get(3)).setFaults(new shelf.api.Faults(java.util.Set.of(1, 2), 0, 0));
        assertEquals("node 1: network faults blocked 3 (were none)\nnode 2: network faults blocked 3 (were none)\n"
                + "node 3: network faults blocked 1,2 (were none)\n", out.toString());
        assertEquals("", err.toString());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "1,2,3|a partition has at least two sides separated by '/', as in 1,2,3/4,5; got '1,2,3'",
        "1,2/2,3|node 2 is named twice in '1,2/2,3': each node is on exactly one side",
        "1/2|'1/2' puts no side around node(s) [3]: name every node of [1, 2, 3]",
        "1,2/|'1,2/' has an empty side or a stray ','",
        "1,2/3,9|node 9 is not in the configuration [1, 2, 3]",
        "1,x/2,3|'x' in '1,x/2,3' is not a node id"})
    void aBadPartitionIsOneLineAndExitCode2AndNoNodeIsAsked(String sides, String message) {
        assertEquals(2, admin("partition", sides));
        assertEquals("partition: " + message + "\n", err.toString());
        assertEquals("", out.toString());
        nodes.values().forEach(org.mockito.Mockito::verifyNoInteractions);
    }

    @Test
    void dropAndDelayKeepTheOtherFaultsAndActOnOneNodeWithN() throws Exception {
        faultsAnswer();
        when(nodes.get(2).faults()).thenReturn(new shelf.api.Faults(java.util.Set.of(3), 0, 0));

        assertEquals(0, admin("-n", "2", "drop", "10"));
        verify(nodes.get(2)).setFaults(new shelf.api.Faults(java.util.Set.of(3), 10, 0));
        verifyNoInteractions(nodes.get(1), nodes.get(3));

        assertEquals(0, admin("delay", "200"));
        verify(nodes.get(1)).setFaults(new shelf.api.Faults(java.util.Set.of(), 0, 200));
        verify(nodes.get(3)).setFaults(new shelf.api.Faults(java.util.Set.of(), 0, 200));

        assertEquals(2, admin("drop", "101"));
        assertEquals("drop: drop between 0 and 100 percent, not 101\n", err.toString());
        assertEquals(2, admin("delay", "10001"));
        assertEquals("delay: delay between 0 and 10000 ms, not 10001\n", err.toString());
    }

    @Test
    void healClearsTheNetworkAndTheStoreOfEveryNode() throws Exception {
        faultsAnswer();
        for (int id = 1; id <= 3; id++) {
            when(nodes.get(id).injectStoreFault("none")).thenReturn("node " + id + ": store fault none (was none)");
        }
        when(nodes.get(2).setFaults(shelf.api.Faults.NONE)).thenReturn(new shelf.api.Faults(java.util.Set.of(3), 5, 0));

        assertEquals(0, admin("heal"));

        for (AdminService node : nodes.values()) {
            verify(node).setFaults(shelf.api.Faults.NONE);
            verify(node).injectStoreFault("none");
        }
        assertTrue(out.toString().contains("node 2: network faults none (were blocked 3; drop 5%); store fault none (was none)"),
                out.toString());
    }

    @Test
    void storeFaultNamesAKindAndANode() throws Exception {
        when(nodes.get(2).injectStoreFault("write")).thenReturn("node 2: store fault write (was none): ...");

        assertEquals(0, admin("-n", "2", "store-fault", "write"));
        assertEquals("node 2: store fault write (was none): ...\n", out.toString());

        assertEquals(2, admin("-n", "2", "store-fault", "disk"));
        assertEquals("store-fault: store fault kinds are [none, write, fsync], not 'disk'\n", err.toString());
        assertEquals(2, admin("store-fault", "write"));
        assertEquals("store-fault: choose one node with -n ID, or every node with --all\n", err.toString());
    }
}
