package shelf.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import shelf.fencing.FencingToken;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.LibraryStore;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.library.StaleTokenException;
import shelf.library.StoreException;

/** The writer's two steps: the lock may go after the append, the clients hear after the fsync, never before. */
class StoreWriterTest {
    private static final FencingToken TOKEN = new FencingToken(1, 1);
    private static final List<Command> BATCH = List.of(new Command("r1", Op.BORROW, 1, "alice"));
    private static final Outcome OK = new Outcome(true, "alice borrowed book 1", null);

    /** A store whose fsync waits for the test, and that can be told to refuse or fail. */
    private static final class GatedStore implements LibraryStore {
        final CountDownLatch syncMayReturn = new CountDownLatch(1);
        final BlockingQueue<String> calls = new LinkedBlockingQueue<>();
        Exception appendFails;
        StoreException syncFails;

        @Override
        public List<Outcome> append(FencingToken token, int node, List<Command> commands)
                throws StaleTokenException, StoreException {
            calls.add("append");
            if (appendFails instanceof StaleTokenException e) {
                throw e;
            }
            if (appendFails instanceof StoreException e) {
                throw e;
            }
            return List.of(OK);
        }

        @Override
        public void sync() throws StoreException {
            calls.add("sync");
            try {
                syncMayReturn.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (syncFails != null) {
                throw syncFails;
            }
        }

        @Override
        public List<Book> books() {
            return List.of();
        }

        @Override
        public List<Book> loansOf(String user) {
            return List.of();
        }

        @Override
        public List<HistoryRecord> history(Integer bookId) {
            return List.of();
        }

        @Override
        public FencingToken highestToken() {
            return TOKEN;
        }

        @Override
        public void close() {
        }
    }

    /** Records the listener's calls in order. */
    private static final class Events implements LibraryWriter.Listener {
        final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();

        @Override
        public void appended(LibraryWriter.Result result) {
            seen.add(result);
        }

        @Override
        public void durable() {
            seen.add("durable");
        }

        @Override
        public void notDurable(String reason) {
            seen.add("not durable: " + reason);
        }

        Object next() throws InterruptedException {
            Object e = seen.poll(10, TimeUnit.SECONDS);
            assertTrue(e != null, "the writer said nothing");
            return e;
        }
    }

    @Test
    void theAppendIsReportedWhileTheFsyncRunsAndDurabilityOnlyAfterItReturns() throws Exception {
        GatedStore store = new GatedStore();
        Events events = new Events();
        try (StoreWriter writer = new StoreWriter(store, 1)) {
            writer.write(TOKEN, BATCH, events);
            assertEquals(new LibraryWriter.Result.Applied(List.of(OK)), events.next());
            assertEquals("append", store.calls.take());
            assertEquals("sync", store.calls.poll(10, TimeUnit.SECONDS), "the fsync starts after the append is reported");
            assertEquals(null, events.seen.poll(100, TimeUnit.MILLISECONDS), "not durable while the fsync has not returned");
            store.syncMayReturn.countDown();
            assertEquals("durable", events.next());
        }
    }

    @Test
    void aFailedFsyncIsReportedAsNotDurable() throws Exception {
        GatedStore store = new GatedStore();
        store.syncFails = new StoreException("history.log: fsync failed: EIO");
        store.syncMayReturn.countDown();
        Events events = new Events();
        try (StoreWriter writer = new StoreWriter(store, 1)) {
            writer.write(TOKEN, BATCH, events);
            assertTrue(events.next() instanceof LibraryWriter.Result.Applied);
            assertEquals("not durable: history.log: fsync failed: EIO", events.next());
        }
    }

    @Test
    void aFencedOrFailedAppendIsReportedOnceAndNothingIsSynced() throws Exception {
        for (Exception failure : List.of(new StaleTokenException(TOKEN, new FencingToken(2, 1)),
                new StoreException("history.log: no space left on device"))) {
            GatedStore store = new GatedStore();
            store.appendFails = failure;
            Events events = new Events();
            try (StoreWriter writer = new StoreWriter(store, 1)) {
                writer.write(TOKEN, BATCH, events);
                Object result = events.next();
                assertTrue(failure instanceof StaleTokenException ? result instanceof LibraryWriter.Result.Fenced
                        : result instanceof LibraryWriter.Result.Failed, result.toString());
                writer.write(TOKEN, BATCH, new Events()); // queued behind the first: once it ran, the first is over
                assertEquals(List.of("append", "append"), List.of(store.calls.poll(10, TimeUnit.SECONDS),
                        store.calls.poll(10, TimeUnit.SECONDS)), "no fsync after a batch that was not appended");
                assertEquals(null, events.seen.poll(100, TimeUnit.MILLISECONDS));
            }
        }
    }
}
