package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.rmi.ConnectException;
import java.rmi.NoSuchObjectException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import shelf.api.LibraryService;
import shelf.api.UnavailableException;
import shelf.config.NodeAddress;
import shelf.library.AccessRefusedException;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.Json;
import shelf.library.Outcome;
import shelf.library.Page;

/**
 * The client's failover (DESIGN §4) against mocked nodes 1..4 of a configuration: the order of the nodes tried, the
 * same request id on every try, the one stderr line naming the node that served, {@code --no-failover}, exit 3 only
 * when no node could serve, and the {@code --json} error document. A node missing from {@link #nodes} is down
 * (connection refused).
 */
class ClientFailoverTest {
    private static final List<NodeAddress> CONFIG = List.of(new NodeAddress(1, "127.0.0.1", 5001),
            new NodeAddress(2, "127.0.0.1", 5002), new NodeAddress(3, "127.0.0.1", 5003),
            new NodeAddress(4, "127.0.0.1", 5004));
    private static final Outcome BORROWED = new Outcome(true, "alice borrowed book 3", null);
    private static final String DOWN = " is not running (connection refused)";

    private final Map<Integer, LibraryService> nodes = new HashMap<>();
    /** Whether node 2 is paused before its registry answers a lookup. */
    private volatile boolean pausedLookups;
    /** The node ids looked up, in order. */
    private final List<Integer> lookups = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private ClientSession session(int preferred, boolean failover, boolean json, long answerMs, long probeAfterMs) {
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        LibraryConnection connection = new LibraryConnection(CONFIG, preferred, node -> {
            lookups.add(node.id());
            if (pausedLookups && node.id() == 2) {
                sleep(10_000);
            }
            LibraryService library = nodes.get(node.id());
            if (library == null) {
                throw new ConnectException("Connection refused to host: 127.0.0.1",
                        new java.net.ConnectException("Connection refused"));
            }
            return library;
        }, failover, new LibraryConnection.Timeouts(answerMs, 5_000, probeAfterMs), errStream);
        return new ClientSession("alice", connection, json, new PrintStream(out, true, StandardCharsets.UTF_8), errStream,
                Pins.forClient(null, "alice", Map.of(Pins.ENV, "2468"), null));
    }

    private ClientSession session(int preferred, boolean failover, boolean json) {
        return session(preferred, failover, json, 2_000, 60_000);
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private LibraryService node(int id) throws Exception {
        LibraryService library = mock(LibraryService.class);
        when(library.execute(any(), any())).thenReturn(BORROWED);
        Book dune = new Book(3, "Dune", "Frank Herbert", true, null, null);
        when(library.list(anyInt(), anyInt())).thenReturn(new Page<>(List.of(dune), false));
        nodes.put(id, library);
        return library;
    }

    @Test
    void aDownPreferredNodeFailsOverToTheNextInConfigurationOrderAndSaysSoOnce() throws Exception {
        LibraryService one = node(1);
        LibraryService three = node(3);

        assertEquals(0, session(2, true, false).run(List.of("borrow", "3")));
        assertEquals(List.of(2, 1), lookups, "the preferred node first, then the others in configuration order");
        assertEquals("alice borrowed book 3\n", out());
        assertEquals("served by node 1 (node 2 at 127.0.0.1:5002" + DOWN + ")\n", err());
        verify(one).execute(any(), isNull());
        verifyNoInteractions(three);
    }

    @Test
    void everyTryCarriesTheSameCommandAndRequestId() throws Exception {
        LibraryService one = node(1);
        LibraryService three = node(3);
        LibraryService four = node(4);
        when(one.execute(any(), any())).thenThrow(new UnavailableException("node 1 has no coordinator"));
        when(three.execute(any(), any())).thenThrow(new java.rmi.UnmarshalException("error unmarshalling return",
                new java.net.SocketTimeoutException("Read timed out")));

        assertEquals(0, session(1, true, true).run(List.of("borrow", "3")));
        ArgumentCaptor<Command> sent = ArgumentCaptor.forClass(Command.class);
        verify(one).execute(sent.capture(), isNull());
        verify(three).execute(sent.capture(), isNull());
        verify(four).execute(sent.capture(), isNull());
        assertEquals(3, sent.getAllValues().size());
        assertEquals(1, sent.getAllValues().stream().map(Command::requestId).distinct().count(), sent.getAllValues().toString());
        assertEquals(1, sent.getAllValues().stream().distinct().count());
        assertEquals("served by node 4 (node 1 has no coordinator; node 2 at 127.0.0.1:5002" + DOWN
                + "; node 3 at 127.0.0.1:5003 did not answer in time)\n", err());
        JsonNode doc = Json.MAPPER.readTree(out()); // stdout keeps exactly the document of DESIGN §1
        assertEquals(1, out().strip().lines().count());
        assertTrue(doc.get("ok").asBoolean());
        assertEquals("alice borrowed book 3", doc.get("message").asText());
    }

    @Test
    void withNoFailoverOnlyThePreferredNodeIsAsked() throws Exception {
        LibraryService one = node(1);

        assertEquals(3, session(2, false, false).run(List.of("list")));
        assertEquals(List.of(2), lookups);
        assertEquals("node 2 at 127.0.0.1:5002" + DOWN + "; try another node, e.g. -n 1\n", err());
        assertEquals("", out());
        verifyNoInteractions(one);
    }

    @Test
    void exitThreeOnlyWhenNoNodeCouldServeAndWithJsonOneErrorDocument() throws Exception {
        LibraryService three = node(3);
        when(three.list(anyInt(), anyInt())).thenThrow(new UnavailableException("node 3 has no coordinator"));

        assertEquals(3, session(4, true, true).run(List.of("list")));
        assertEquals(List.of(4, 1, 2, 3), lookups);
        String message = "no node could serve: node 4 at 127.0.0.1:5004" + DOWN + "; node 1 at 127.0.0.1:5001" + DOWN
                + "; node 2 at 127.0.0.1:5002" + DOWN + "; node 3 has no coordinator";
        assertEquals(message + "\n", err());
        JsonNode doc = Json.MAPPER.readTree(out());
        assertEquals(1, out().strip().lines().count());
        assertEquals(false, doc.get("ok").asBoolean());
        assertEquals("unavailable", doc.get("error").asText());
        assertEquals(message, doc.get("message").asText());
        assertEquals(3, doc.size());
    }

    @Test
    void aJsonUsageErrorIsOneDocumentAndCallsNoNode() throws Exception {
        node(1);
        assertEquals(2, session(1, true, true).run(List.of("borrow", "abc")));
        JsonNode doc = Json.MAPPER.readTree(out());
        assertEquals("usage", doc.get("error").asText());
        assertEquals("book id must be a whole number, got 'abc'", doc.get("message").asText());
        assertEquals(List.of(), lookups);
    }

    @Test
    void aRefusalIsAnAnswerNotAFailure() throws Exception {
        LibraryService one = node(1);
        LibraryService two = node(2);
        when(one.execute(any(), any())).thenThrow(new AccessRefusedException("session expired"));

        assertEquals(1, session(1, true, false).run(List.of("borrow", "3")));
        assertEquals("session expired\n", err());
        verifyNoInteractions(two);
    }

    @Test
    void aPausedNodeCostsTheAnswerTimeoutNotTheSocketsFifteenSeconds() throws Exception {
        LibraryService two = node(2);
        node(3);
        ClientSession session = session(2, true, false, 300, 0);
        assertEquals(0, session.run(List.of("list")));
        assertEquals("", err());
        // node 2 is SIGSTOPped: its kernel still accepts connections, nothing answers; its stub is probed first
        when(two.authenticationRequired()).thenAnswer(invocation -> {
            Thread.sleep(10_000);
            return false;
        });

        long started = System.nanoTime();
        assertEquals(0, session.run(List.of("list")));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs < 2_000, tookMs + " ms");
        assertEquals("served by node 3 (node 2 at 127.0.0.1:5002 did not answer within 300 ms (paused or overloaded?);"
                + " node 1 at 127.0.0.1:5001" + DOWN + ")\n", err());
        verify(two, times(1)).list(anyInt(), anyInt());

        // a fresh client: the registry lookup of the paused node is what times out
        pausedLookups = true;
        err.reset();
        started = System.nanoTime();
        assertEquals(0, session(2, true, false, 300, 0).run(List.of("list")));
        tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs < 2_000, tookMs + " ms");
        assertTrue(err().startsWith("served by node 3 (node 2 at 127.0.0.1:5002 did not answer within 300 ms"), err());
    }

    @Test
    void whenEveryNodeIsOnlySlowToAnswerTheSilentOnesGetThePatienceOfACallBeforeExitThree() throws Exception {
        node(2);
        // node 2's lookup takes 600 ms (a cold TLS handshake on a loaded machine): over the 300 ms answer time, well
        // within the 5 s a call may take; every other node is down
        ClientSession session = new ClientSession("alice", new LibraryConnection(CONFIG, 2, node -> {
            if (node.id() == 2) {
                sleep(600);
            }
            LibraryService library = nodes.get(node.id());
            if (library == null) {
                throw new ConnectException("Connection refused to host: 127.0.0.1",
                        new java.net.ConnectException("Connection refused"));
            }
            return library;
        }, true, new LibraryConnection.Timeouts(300, 5_000, 0), new PrintStream(err, true, StandardCharsets.UTF_8)),
                false, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Pins.forClient(null, "alice", Map.of(Pins.ENV, "2468"), null));
        assertEquals(0, session.run(List.of("list")), err());
        assertTrue(out().contains("Dune"), out());
        assertFalse(err().contains("served by"), "the node asked served, after a wait: no failover to report: " + err());
    }

    @Test
    void theSilentNodesGetTheirPatienceAllAtOnceNotOneAfterTheOther() throws Exception {
        node(1);
        node(2);
        node(3);
        node(4);
        // Every node misses the 200 ms answer time; in the second round a lookup answers only once all four are in
        // flight at the same moment. One after the other, each would wait in vain until its 3 s ran out (and be
        // interrupted), and the client would give up.
        CountDownLatch allAsked = new CountDownLatch(1);
        AtomicInteger round = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        LibraryConnection connection = new LibraryConnection(CONFIG, 1, node -> {
            if (round.incrementAndGet() <= 4) {
                sleep(10_000); // the first round: silent
                return nodes.get(node.id());
            }
            try {
                if (inFlight.incrementAndGet() == 4) {
                    allAsked.countDown();
                }
                if (!awaitQuietly(allAsked)) {
                    throw new ConnectException("only some nodes were asked at once");
                }
                return nodes.get(node.id());
            } finally {
                inFlight.decrementAndGet();
            }
        }, true, new LibraryConnection.Timeouts(200, 3_000, 0), new PrintStream(err, true, StandardCharsets.UTF_8));
        ClientSession session = new ClientSession("alice", connection, false,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Pins.forClient(null, "alice", Map.of(Pins.ENV, "2468"), null));
        assertEquals(0, session.run(List.of("list")), err());
        assertTrue(out().contains("Dune"), out());
    }

    @Test
    void theNodeThatServedIsAskedFirstNextTimeAndNodeSwitchesIt() throws Exception {
        LibraryService one = node(1);
        LibraryService three = node(3);
        ClientSession session = session(2, true, false);

        assertEquals(0, session.run(List.of("list")));
        assertEquals(1, session.node().id());
        err.reset();
        assertEquals(0, session.run(List.of("list")));
        assertEquals("", err(), "no failover the second time: node 1 serves");
        assertEquals(0, session.run(List.of("node", "3")));
        assertEquals(3, session.node().id());
        assertEquals(0, session.run(List.of("list")));
        verify(one, times(2)).list(anyInt(), anyInt());
        verify(three).list(anyInt(), anyInt());
        assertEquals(2, session.run(List.of("node", "9")));
        assertTrue(err().contains("no node 9 in the configuration (nodes: 1, 2, 3, 4)"), err());
    }

    @Test
    void aRestartedNodesStaleStubIsLookedUpAgainOnTheSameNode() throws Exception {
        LibraryService before = node(2);
        ClientSession session = session(2, true, false, 2_000, 0);
        assertEquals(0, session.run(List.of("list")));
        when(before.authenticationRequired()).thenThrow(new NoSuchObjectException("no such object in table"));
        LibraryService after = node(2);

        assertEquals(0, session.run(List.of("list")));
        assertEquals(List.of(2, 2), lookups);
        verify(after).list(anyInt(), anyInt());
        assertEquals("", err());
    }

    @Test
    void theTicketOfOneNodeIsSentToTheNextWithoutLoggingInAgain() throws Exception {
        LibraryService two = node(2);
        LibraryService three = node(3);
        when(two.authenticationRequired()).thenReturn(true);
        when(two.login("alice", "2468")).thenReturn("alice:1:mac");
        ClientSession session = session(2, true, false);
        assertEquals(0, session.logIn());
        nodes.remove(2); // node 2 dies
        when(two.execute(any(), any())).thenThrow(new ConnectException("Connection refused",
                new java.net.ConnectException("Connection refused")));

        assertEquals(0, session.run(List.of("borrow", "3")));
        verify(three).execute(any(), eq("alice:1:mac"));
        verify(three, never()).login(anyString(), anyString());
        verify(two, times(1)).login(anyString(), anyString());
    }

    @Test
    void theCompleterOffersBookIdsAfterAChangeAndNodeIdsAfterNode() throws Exception {
        node(1);
        PromptCompleter completer = new PromptCompleter(session(1, true, false));
        assertEquals(PromptCompleter.COMMANDS, completer.candidatesFor(List.of(""), 0));
        assertEquals(List.of("3"), completer.candidatesFor(List.of("borrow", ""), 1));
        assertEquals(List.of("3"), completer.candidatesFor(List.of("return", ""), 1));
        assertEquals(List.of("1", "2", "3", "4"), completer.candidatesFor(List.of("node", ""), 1));
        assertEquals(List.of(), completer.candidatesFor(List.of("list", ""), 1));
    }

    @Test
    void aNodeThatAnsweredButTakesLongerThanASecondIsWaitedForAndNamedOnStderr() throws Exception {
        LibraryService slow = node(2);
        when(slow.execute(any(), any())).thenAnswer(invocation -> {
            sleep(1_300); // a write waiting for the cluster lock: the node answers within its request timeout
            return BORROWED;
        });
        node(1);

        assertEquals(0, session(2, true, false).run(List.of("borrow", "3")));
        assertEquals("waiting for node 2 at 127.0.0.1:5002 ...\n", err(), "no failover from a node that is serving");
        assertEquals("alice borrowed book 3\n", out());
        verify(nodes.get(1), never()).execute(any(), any());
    }
}
