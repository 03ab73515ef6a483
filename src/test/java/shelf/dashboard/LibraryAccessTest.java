package shelf.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.rmi.ConnectException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import shelf.api.LibraryService;
import shelf.fencing.FencingToken;
import shelf.library.AccessRefusedException;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.library.Page;

/** The page's library client: failover with the same request id, refusals as answers, PINs, the history's tail. */
class LibraryAccessTest {
    private final ExecutorService calls = Executors.newCachedThreadPool();
    private final LibraryService down = mock(LibraryService.class);
    private final LibraryService up = mock(LibraryService.class);
    private final LibraryAccess access = new LibraryAccess(List.of(1, 2), Map.of(1, down, 2, up)::get, calls, 2_000, 2_000);

    @AfterEach
    void stop() {
        calls.shutdownNow();
    }

    private static HistoryRecord record(long seq) {
        return new HistoryRecord(seq, Instant.EPOCH, Op.BORROW, 3, "alice", 1, new FencingToken(1, seq), null, "r" + seq);
    }

    @Test
    void aChangeGoesToTheNextNodeUnchangedWhenOneIsDown() throws Exception {
        when(down.authenticationRequired()).thenThrow(new ConnectException("refused"));
        when(down.execute(any())).thenThrow(new ConnectException("refused"));
        when(up.authenticationRequired()).thenReturn(false);
        when(up.execute(any())).thenReturn(new Outcome(true, "alice borrowed book 3", null));
        assertEquals(new Outcome(true, "alice borrowed book 3", null), access.change(Op.BORROW, 3, "alice", ""));
        ArgumentCaptor<Command> sent = ArgumentCaptor.forClass(Command.class);
        verify(up).execute(sent.capture());
        assertEquals(new Command(sent.getValue().requestId(), Op.BORROW, 3, "alice"), sent.getValue());
        verify(down, never()).execute(any()); // node 2 served last: asked first now
    }

    @Test
    void aRefusalIsAnAnswerNotAFailure() throws Exception {
        when(down.authenticationRequired()).thenReturn(true);
        when(down.login("alice", "1234")).thenThrow(new AccessRefusedException("wrong PIN for alice, or no such user"));
        assertEquals("wrong PIN for alice, or no such user",
                assertThrows(IllegalArgumentException.class, () -> access.change(Op.BORROW, 3, "alice", "1234")).getMessage());
        verify(up, never()).login(any(), any());
        assertThrows(IllegalArgumentException.class, () -> access.change(Op.BORROW, 3, "alice", ""), "no PIN given");
        assertThrows(IllegalArgumentException.class, () -> access.change(Op.BORROW, 3, "no spaces", "1"), "bad user name");
    }

    @Test
    void withAuthenticationTheChangeCarriesTheTicketOfTheUsersLogin() throws Exception {
        when(down.authenticationRequired()).thenReturn(true);
        when(down.login("bob", "42")).thenReturn("ticket-bob");
        when(down.execute(any(), eq("ticket-bob"))).thenReturn(new Outcome(true, "bob returned book 3", null));
        assertEquals("bob returned book 3", access.change(Op.RETURN, 3, "bob", "42").message());
        access.change(Op.RETURN, 3, "bob", "42");
        verify(down).login("bob", "42"); // once: the ticket is kept
    }

    @Test
    void theHistoryTailIsTheLastRecordsReadOnFromWhereItEnded() throws Exception {
        Book book = new Book(1, "Emma", "Jane Austen", true, null, null);
        when(down.list(0, LibraryAccess.BOOKS_SHOWN)).thenReturn(new Page<>(List.of(book), true));
        List<HistoryRecord> first = LongStream.rangeClosed(1, 20).mapToObj(LibraryAccessTest::record).toList();
        when(down.history(isNull(), eq(0L), anyInt())).thenReturn(new Page<>(first, false));
        when(down.history(isNull(), eq(20L), anyInt())).thenReturn(new Page<>(List.of(record(21)), false));
        LibraryAccess.LibraryView view = access.read();
        assertEquals(List.of(book), view.books());
        assertEquals(true, view.moreBooks());
        assertEquals(LongStream.rangeClosed(9, 20).boxed().toList(), view.history().stream().map(HistoryRecord::seq).toList());
        assertEquals(LongStream.rangeClosed(10, 21).boxed().toList(),
                access.read().history().stream().map(HistoryRecord::seq).toList());
        verify(down, never()).history(isNull(), eq(1L), anyInt());
        verify(up, never()).history(any(), anyLong(), anyInt());
    }
}
