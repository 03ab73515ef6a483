package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.api.LibraryService;
import shelf.config.NodeAddress;
import shelf.library.AccessRefusedException;
import shelf.library.Outcome;
import shelf.library.Page;

/**
 * The client's side of user authentication: it asks for the PIN and logs in once per session, only when the node
 * requires it and a command needs it, and sends the ticket with every later change.
 */
class ClientSessionLoginTest {
    private static final NodeAddress NODE = new NodeAddress(2, "127.0.0.1", 5002);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final LibraryService library = mock(LibraryService.class);
    private final AtomicInteger pinsRead = new AtomicInteger();

    @BeforeEach
    void aNodeWithAuthenticationOn() throws Exception {
        when(library.authenticationRequired()).thenReturn(true);
        when(library.login("alice", "2468")).thenReturn("alice:1:mac");
        when(library.login(eq("alice"), eq("1357")))
                .thenThrow(new AccessRefusedException("wrong PIN for alice, or no such user"));
        when(library.execute(any(), eq("alice:1:mac"))).thenReturn(new Outcome(true, "done", null));
        when(library.loans("alice", "alice:1:mac")).thenReturn(List.of());
        when(library.list(anyInt(), anyInt())).thenReturn(new Page<>(List.of(), false));
        when(library.history(any(), anyLong(), anyInt())).thenReturn(new Page<>(List.of(), false));
    }

    private ClientSession session(String pin) {
        return new ClientSession("alice", NODE, List.of(1), library, false, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> {
                    pinsRead.incrementAndGet();
                    return pin.toCharArray();
                });
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theSessionLogsInOnceAndSendsItsTicketWithEveryChange() throws Exception {
        ClientSession s = session("2468");
        assertEquals(0, s.run(List.of("borrow", "3")));
        assertEquals(0, s.run(List.of("renew", "3")));
        assertEquals(0, s.run(List.of("loans")));
        assertEquals(0, s.run(List.of("return", "3")));
        assertEquals(1, pinsRead.get(), "the PIN is read once per session");
        verify(library, times(1)).login(anyString(), anyString());
        verify(library, times(3)).execute(any(), eq("alice:1:mac"));
        verify(library).loans("alice", "alice:1:mac");
    }

    @Test
    void listAndHistoryNeedNoLogin() throws Exception {
        ClientSession s = session("2468");
        assertEquals(0, s.run(List.of("list")));
        assertEquals(0, s.run(List.of("history")));
        assertEquals(0, pinsRead.get());
        verify(library, never()).authenticationRequired();
    }

    @Test
    void theInteractivePromptLogsInUpFront() throws Exception {
        ClientSession s = session("2468");
        assertEquals(0, s.logIn());
        assertEquals(0, s.run(List.of("borrow", "3")));
        verify(library, times(1)).login("alice", "2468");
    }

    @Test
    void aWrongPinIsOneLineAndExitOne() throws Exception {
        ClientSession s = session("1357");
        assertEquals(1, s.run(List.of("borrow", "3")));
        assertEquals("wrong PIN for alice, or no such user\n", err());
        verify(library, never()).execute(any(), any());
        err.reset();
        assertEquals(1, session("1357").logIn());
        assertEquals("wrong PIN for alice, or no such user\n", err());
    }

    @Test
    void aRefusedTicketIsExitOne() throws Exception {
        when(library.execute(any(), eq("alice:1:mac"))).thenThrow(new AccessRefusedException("the session of alice expired"));
        assertEquals(1, session("2468").run(List.of("borrow", "3")));
        assertEquals("the session of alice expired\n", err());
    }

    @Test
    void withAuthenticationOffNoPinIsAskedAndNoTicketSent() throws Exception {
        when(library.authenticationRequired()).thenReturn(false);
        when(library.execute(any(), any())).thenReturn(new Outcome(true, "done", null));
        ClientSession s = session("2468");
        assertEquals(0, s.logIn());
        assertEquals(0, s.run(List.of("borrow", "3")));
        assertEquals(0, pinsRead.get());
        verify(library, never()).login(anyString(), anyString());
        verify(library).execute(any(), isNull());
    }

    @Test
    void withNoWayToReadAPinTheAnswerIsAUsageError() throws Exception {
        ClientSession s = new ClientSession("alice", NODE, List.of(1), library, false,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Pins.forClient(null, "alice", Map.of(), null));
        assertEquals(2, s.run(List.of("borrow", "3")));
        assertEquals("user authentication is on and there is no console to ask alice's PIN on: give it with --pin-file FILE "
                + "or the SHELF_PIN environment variable\n", err());
        verify(library, never()).login(anyString(), anyString());
    }

    @Test
    void aPersonTypingThePinSlowlyIsNoSlowNode() throws Exception {
        // Deadlines far shorter than the typing: the PIN is read between the calls, not within one.
        long typing = LibraryConnection.WAIT_NOTICE_MS + 300;
        LibraryConnection connection = new LibraryConnection(List.of(NODE, new NodeAddress(1, "127.0.0.1", 5001)), 2,
                n -> library, true, new LibraryConnection.Timeouts(1_000, 1_200, 60_000),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        ClientSession s = new ClientSession("alice", connection, false, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> {
                    pinsRead.incrementAndGet();
                    try {
                        Thread.sleep(typing);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "2468".toCharArray();
                });
        assertEquals(0, s.logIn());
        assertEquals("", err(), "no notice, timeout or failover while the PIN is typed");
        assertEquals(1, pinsRead.get());
        verify(library, times(1)).login("alice", "2468");
    }

    @Test
    void thePinComesFromTheFileThenTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pin");
        Files.writeString(file, "2468\r\n");
        assertEquals("2468", new String(Pins.forClient(file, "alice", Map.of(Pins.ENV, "9999"), null).read()));
        assertEquals("9999", new String(Pins.forClient(null, "alice", Map.of(Pins.ENV, "9999"), null).read()));
        Files.writeString(file, "\n");
        assertEquals("PIN file " + file + " is empty", assertUsage(() -> Pins.fromFile(file)));
        assertEquals("PIN file " + dir.resolve("none") + " not found", assertUsage(() -> Pins.fromFile(dir.resolve("none"))));
        assertEquals("environment variable SHELF_PIN is empty", assertUsage(() -> Pins.fromEnv(Pins.ENV, Map.of(Pins.ENV, ""))));
    }

    private static String assertUsage(Runnable r) {
        CliException e = assertThrows(CliException.class, r::run);
        assertEquals(2, e.exitCode());
        return e.getMessage();
    }
}
