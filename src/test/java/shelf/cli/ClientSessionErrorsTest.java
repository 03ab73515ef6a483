package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.rmi.ConnectException;
import java.rmi.ConnectIOException;
import java.rmi.NoSuchObjectException;
import java.rmi.UnmarshalException;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import shelf.api.LibraryService;
import shelf.api.UnavailableException;
import shelf.config.NodeAddress;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.Json;
import shelf.library.Op;
import shelf.library.Outcome;

/**
 * The client's error paths (DESIGN §1: exit 1 refused, 2 usage, 3 unavailable; the codes are literal here on
 * purpose, as scripts see them) against a mocked
 * {@link LibraryService}: what each kind of remote failure looks like to a user, with no node running.
 */
class ClientSessionErrorsTest {
    private static final NodeAddress NODE = new NodeAddress(2, "127.0.0.1", 5002);
    private static final String SUGGESTION = "; try another node, e.g. -n 1";
    /** Every command that calls the node. */
    private static final List<List<String>> REMOTE_COMMANDS = List.of(List.of("list"), List.of("borrow", "3"),
            List.of("return", "3"), List.of("renew", "3"), List.of("loans"), List.of("history"), List.of("history", "3"));

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(LibraryService library, List<Integer> otherNodes, boolean json, List<String> words) {
        out.reset();
        err.reset();
        ClientSession session = new ClientSession("alice", NODE, otherNodes, library, json,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return session.run(words);
    }

    private int run(LibraryService library, boolean json, String... words) {
        return run(library, List.of(1, 3), json, List.of(words));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A node whose every call fails with {@code failure}. */
    private static LibraryService failing(Exception failure) {
        return mock(LibraryService.class, invocation -> {
            throw failure;
        });
    }

    private static String quoted(String text) throws Exception {
        return Json.MAPPER.writeValueAsString(text);
    }

    static Stream<Arguments> remoteFailures() {
        String at = "node 2 at 127.0.0.1:5002 ";
        return Stream.of(
                Arguments.of(new ConnectException("Connection refused to host: 127.0.0.1",
                        new java.net.ConnectException("Connection refused")), at + "is not running (connection refused)"),
                Arguments.of(new ConnectIOException("error during JRMP connection establishment",
                        new SocketTimeoutException("Read timed out")), at + "did not answer in time"),
                Arguments.of(new UnmarshalException("error unmarshalling return",
                        new SocketTimeoutException("Read timed out")), at + "did not answer in time"),
                Arguments.of(new NoSuchObjectException("no such object in table"),
                        at + "could not be reached (NoSuchObjectException)"),
                Arguments.of(new UnavailableException("node 2 could not get the cluster lock within 8000 ms"),
                        "node 2 could not get the cluster lock within 8000 ms"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("remoteFailures")
    void aNodeThatCannotServeIsExitThreeWithOneLineOnStderrAndNothingOnStdout(Exception failure, String message)
            throws Exception {
        LibraryService library = failing(failure);
        for (boolean json : new boolean[] {false, true}) {
            for (List<String> words : REMOTE_COMMANDS) {
                assertEquals(3, run(library, List.of(1, 3), json, words), words + " json=" + json);
                assertEquals(message + SUGGESTION + "\n", err(), words + " json=" + json);
                // DESIGN §4: with --json the error is also one document on stdout; without, stdout stays empty
                assertEquals(json ? "{\"ok\":false,\"error\":\"unavailable\",\"message\":" + quoted(message + SUGGESTION)
                        + "}\n" : "", out(), words + " json=" + json);
            }
        }
    }

    @Test
    void withNoOtherNodeTheMessageSaysSo() {
        LibraryService library = failing(new UnavailableException("node 2 has no coordinator"));
        assertEquals(3, run(library, List.of(), false, List.of("list")));
        assertEquals("node 2 has no coordinator; no other node is configured\n", err());
    }

    @ParameterizedTest(name = "json={0}")
    @ValueSource(booleans = {false, true})
    void aRefusalIsExitOneAndJsonStaysOneDocument(boolean json) throws Exception {
        LibraryService library = mock(LibraryService.class);
        Book onLoan = new Book(3, "Dune", "Frank Herbert", false, "bob", LocalDate.parse("2026-12-08"));
        when(library.execute(any(), any())).thenReturn(new Outcome(false, "book 3 is on loan to bob", onLoan));

        assertEquals(1, run(library, json, "borrow", "3"));
        if (!json) {
            assertEquals("refused: book 3 is on loan to bob\n", err());
            assertEquals("", out());
            return;
        }
        assertEquals("", err());
        assertEquals(1, out().strip().lines().count(), out());
        JsonNode doc = Json.MAPPER.readTree(out());
        assertFalse(doc.get("ok").asBoolean());
        assertEquals("book 3 is on loan to bob", doc.get("message").asText());
        assertEquals("bob", doc.get("book").get("borrower").asText());
        assertEquals("2026-12-08", doc.get("book").get("due").asText());
    }

    @Test
    void aChangeSendsOneCommandWithTheUserAndANewRequestId() throws Exception {
        LibraryService library = mock(LibraryService.class);
        when(library.execute(any(), any())).thenReturn(new Outcome(true, "alice renewed book 7", null));

        assertEquals(0, run(library, false, "renew", "7"));
        assertEquals("alice renewed book 7\n", out());
        assertEquals("", err());
        ArgumentCaptor<Command> sent = ArgumentCaptor.forClass(Command.class);
        verify(library).execute(sent.capture(), isNull());
        assertEquals(Op.RENEW, sent.getValue().op());
        assertEquals(7, sent.getValue().bookId());
        assertEquals("alice", sent.getValue().user());
        assertFalse(sent.getValue().requestId().isBlank());
    }

    @Test
    void aMalformedRequestTheNodeRejectsIsAUsageError() throws Exception {
        LibraryService library = mock(LibraryService.class);
        when(library.loans("alice", null)).thenThrow(new IllegalArgumentException("invalid user name 'alice'"));
        assertEquals(2, run(library, false, "loans"));
        assertEquals("invalid user name 'alice'\n", err());
        assertEquals("", out());
    }

    @Test
    void usageErrorsAndOutOfRangeIdsNeverCallTheNode() {
        LibraryService library = mock(LibraryService.class);
        assertEquals(2, run(library, false, "borrow", "abc"));
        assertEquals(2, run(library, false, "list", "everything"));
        assertEquals("", out());
        assertEquals(2, run(library, true, "fly"));
        assertEquals("{\"ok\":false,\"error\":\"usage\",\"message\":\"unknown command 'fly'; type 'help' for the list\"}\n",
                out());
        assertEquals(1, run(library, false, "borrow", "99999999999"));
        assertEquals("refused: unknown book 99999999999\n", err());
        assertEquals(1, run(library, false, "history", "99999999999"));
        assertEquals("unknown book 99999999999\n", err());
        verifyNoInteractions(library);
    }

    @Test
    void whatWasTypedComesBackClippedAndWithItsInvisibleCharactersSpelledOut() {
        LibraryService library = mock(LibraryService.class);
        assertEquals(2, run(library, false, "borrow", "9".repeat(1_000_000)));
        assertEquals("book id must be a whole number, got '" + "9".repeat(80) + "... (1000000 characters)'\n", err());
        assertEquals(2, run(library, false, "bor\u001B[31mrow\u0007"));
        assertEquals("unknown command 'bor\\u001B[31mrow\\u0007'; type 'help' for the list\n", err());
        assertEquals(2, run(library, false, "node", "\u001B]0;owned\u0007"));
        assertEquals("node id must be a whole number, got '\\u001B]0;owned\\u0007'\n", err());
        verifyNoInteractions(library);
    }

    @Test
    void anEmptyAnswerIsSaidInWordsOrAsAnEmptyList() throws Exception {
        LibraryService library = mock(LibraryService.class);
        when(library.loans("alice", null)).thenReturn(List.of());
        assertEquals(0, run(library, false, "loans"));
        assertEquals("alice has no books on loan\n", out());
        assertEquals(0, run(library, true, "loans"));
        assertEquals("[]\n", out());
        assertTrue(err().isEmpty());
    }
}
