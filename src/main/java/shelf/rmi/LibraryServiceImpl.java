package shelf.rmi;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.api.LibraryService;
import shelf.api.UnavailableException;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.LibraryStore;
import shelf.library.Outcome;
import shelf.library.StoreException;
import shelf.library.Usernames;
import shelf.node.Node;
import shelf.tls.Role;

/**
 * Serves clients: reads straight from the store, writes through the node's queue under the cluster mutex. Called on
 * RMI threads; a write is handed to the protocol through the narrow {@link Node} interface and waited for.
 */
final class LibraryServiceImpl implements LibraryService {
    private static final Logger log = LoggerFactory.getLogger(LibraryServiceImpl.class);
    /**
     * How long past the request timeout this service waits for an operation's outcome before it answers "unavailable"
     * itself. The node fails an operation still queued for the lock at the request timeout; one already handed to the
     * writer is answered once its batch is appended and fsynced, which this grace covers. The client's socket read
     * outlasts this wait ({@link RmiServer#CLIENT_READ_GRACE_MS} is derived from it).
     */
    static final long WRITER_GRACE_MS = 5_000;

    private final Node node;
    private final LibraryStore store;
    private final long waitMs;
    private final String me;
    private final Access access;

    LibraryServiceImpl(Node node, LibraryStore store, long requestTimeoutMs, Access access) {
        this.node = node;
        this.store = store;
        this.waitMs = requestTimeoutMs + WRITER_GRACE_MS;
        this.me = "node " + node.id();
        this.access = access;
    }

    /** Lets only a client's or an operator's certificate in (with tls=off, anyone). */
    private void client(String method) {
        access.require("LibraryService." + method, Role.CLIENT, Role.ADMIN);
    }

    @Override
    public List<Book> list() throws UnavailableException {
        client("list");
        log.info("{}: client request: list", me);
        return read(store::books);
    }

    @Override
    public Outcome execute(Command c) throws UnavailableException {
        client("execute");
        if (c == null || c.op() == null || c.requestId() == null || c.requestId().isEmpty() || c.requestId().length() > 100) {
            throw new IllegalArgumentException("malformed command: " + c);
        }
        Usernames.check(c.user());
        long started = System.nanoTime();
        try {
            Outcome outcome = node.submit(c).get(waitMs, TimeUnit.MILLISECONDS);
            log.info("{}: client request {} {} book {} by {}: {} ({} ms)", me, c.requestId(), c.op(), c.bookId(), c.user(),
                    outcome.ok() ? "ok" : "refused: " + outcome.message(), (System.nanoTime() - started) / 1_000_000);
            return outcome;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            log.info("{}: client request {} {} book {} by {} failed: {}", me, c.requestId(), c.op(), c.bookId(), c.user(),
                    cause.getMessage());
            if (cause instanceof UnavailableException u) {
                throw u;
            }
            throw new UnavailableException(me + " failed: " + cause);
        } catch (TimeoutException e) {
            throw new UnavailableException(me + " got no answer from the cluster within " + waitMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(me + " was interrupted");
        }
    }

    @Override
    public List<Book> loans(String user) throws UnavailableException {
        client("loans");
        Usernames.check(user);
        log.info("{}: client request: loans of {}", me, user);
        return read(() -> store.loansOf(user));
    }

    @Override
    public List<HistoryRecord> history(Integer bookId) throws UnavailableException {
        client("history");
        log.info("{}: client request: history{}", me, bookId == null ? "" : " of book " + bookId);
        return read(() -> store.history(bookId));
    }

    private interface Read<T> {
        T get() throws StoreException;
    }

    private <T> T read(Read<T> r) throws UnavailableException {
        try {
            return r.get();
        } catch (StoreException e) {
            log.error("{}: cannot read the library: {}", me, e.getMessage());
            throw new UnavailableException(me + " cannot read the library: " + e.getMessage());
        }
    }
}
