package shelf.rmi;

import java.io.Serializable;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.api.LibraryService;
import shelf.api.UnavailableException;
import shelf.config.ClusterConfig;
import shelf.library.AccessRefusedException;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.LibraryStore;
import shelf.library.Outcome;
import shelf.library.Page;
import shelf.library.StoreException;
import shelf.library.UserAuthentication;
import shelf.library.UserCredential;
import shelf.library.Usernames;
import shelf.node.Node;
import shelf.node.NodeStartException;
import shelf.store.Stores;
import shelf.tls.Role;
import shelf.util.ExitCodes;
import shelf.util.Texts;

/**
 * Serves clients: reads straight from the store, writes through the node's queue under the cluster mutex. Called on
 * RMI threads; a write is handed to the protocol through the narrow {@link Node} interface and waited for. With user
 * authentication on, a change or a {@code loans} is let through only with a session ticket of the request's own user
 * ({@link UserAuthentication}), checked before anything is queued.
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
    /** Null when user authentication is off: the user name a client sends is trusted. */
    private final UserAuthentication users;
    private final Access access;

    /** A service for {@code node}; {@code users} null leaves user authentication off. */
    LibraryServiceImpl(Node node, LibraryStore store, long requestTimeoutMs, UserAuthentication users, Access access) {
        this.node = node;
        this.store = store;
        this.waitMs = requestTimeoutMs + WRITER_GRACE_MS;
        this.me = "node " + node.id();
        this.users = users;
        this.access = access;
        if (users != null) {
            try {
                log.info("{}: user authentication is on: {} users in {}", me, users.count(), users.location());
            } catch (StoreException e) {
                log.error("{}: user authentication is on, but the users cannot be read: {}", me, e.getMessage());
            }
        }
    }

    /**
     * The service as {@code config} asks: with user authentication when it names a {@code users.file} or
     * {@code users=postgresql}.
     *
     * @throws NodeStartException when the users' database is not the library's or cannot be reached
     */
    static LibraryServiceImpl create(Node node, LibraryStore store, ClusterConfig config, Access access)
            throws NodeStartException {
        UserAuthentication users;
        try {
            users = Stores.users(config, new SecureRandom()).map(d -> new UserAuthentication(d, Clock.systemUTC()))
                    .orElse(null);
        } catch (StoreException e) {
            throw new NodeStartException(ExitCodes.REFUSED, "node " + node.id() + ": " + e.getMessage());
        }
        return new LibraryServiceImpl(node, store, config.timings().requestTimeoutMs(), users, access);
    }

    /** Lets only a client's or an operator's certificate in (with tls=off, anyone). */
    private void client(String method) {
        access.require("LibraryService." + method, Role.CLIENT, Role.ADMIN);
    }

    @Override
    public List<Book> list() throws UnavailableException {
        client("list");
        log.info("{}: client request: list", me);
        return whole(read(() -> store.booksPage(0, MAX_WHOLE)), "the catalogue has more than " + MAX_WHOLE
                + " books, too many for one answer: read it in pages (list(afterId, limit))");
    }

    @Override
    public Page<Book> list(int afterId, int limit) throws UnavailableException {
        client("list");
        requirePage("afterId", afterId, limit);
        logRead("list", afterId, "book");
        return read(() -> store.booksPage(afterId, Math.min(limit, MAX_PAGE)));
    }

    @Override
    public boolean authenticationRequired() {
        client("authenticationRequired");
        return users != null;
    }

    @Override
    public String login(String user, String pin) throws AccessRefusedException, UnavailableException {
        client("login");
        Usernames.check(user);
        if (users == null) {
            throw new AccessRefusedException(me + " has user authentication off: no login needed");
        }
        if (pin == null || pin.length() > UserCredential.MAX_PIN) {
            throw new AccessRefusedException("wrong PIN for " + user + ", or no such user");
        }
        long started = System.nanoTime();
        char[] chars = pin.toCharArray();
        try {
            String ticket = users.login(user, chars);
            log.info("{}: {} logged in ({} ms)", me, user, (System.nanoTime() - started) / 1_000_000);
            return ticket;
        } catch (AccessRefusedException e) {
            log.info("{}: login of {} refused: {} ({} ms)", me, user, e.getMessage(), (System.nanoTime() - started) / 1_000_000);
            throw e;
        } catch (StoreException e) {
            throw usersUnreadable(e);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    @Override
    public Outcome execute(Command c) throws UnavailableException, AccessRefusedException {
        return execute(c, null);
    }

    @Override
    public Outcome execute(Command c, String ticket) throws UnavailableException, AccessRefusedException {
        client("execute");
        if (c == null || c.op() == null || c.requestId() == null || c.requestId().isEmpty() || c.requestId().length() > 100) {
            throw new IllegalArgumentException("malformed command: " + Texts.clip(c));
        }
        Usernames.check(c.user());
        authorize(ticket, c.user(), c.op() + " book " + c.bookId());
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
            log.info("{}: client request {} {} book {} by {} failed: no answer from the cluster within {} ms", me,
                    c.requestId(), c.op(), c.bookId(), c.user(), waitMs);
            throw new UnavailableException(me + " got no answer from the cluster within " + waitMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(me + " was interrupted");
        }
    }

    @Override
    public List<Book> loans(String user) throws UnavailableException, AccessRefusedException {
        return loans(user, null);
    }

    @Override
    public List<Book> loans(String user, String ticket) throws UnavailableException, AccessRefusedException {
        client("loans");
        Usernames.check(user);
        authorize(ticket, user, "loans");
        log.info("{}: client request: loans of {}", me, user);
        return read(() -> store.loansOf(user));
    }

    @Override
    public List<HistoryRecord> history(Integer bookId) throws UnavailableException {
        client("history");
        log.info("{}: client request: history{}", me, bookId == null ? "" : " of book " + bookId);
        return whole(read(() -> store.historyPage(bookId, 0, MAX_WHOLE)), "the history has more than " + MAX_WHOLE
                + " records, too many for one answer: read it in pages (history(bookId, afterSeq, limit))");
    }

    @Override
    public Page<HistoryRecord> history(Integer bookId, long afterSeq, int limit) throws UnavailableException {
        client("history");
        requirePage("afterSeq", afterSeq, limit);
        logRead(bookId == null ? "history" : "history of book " + bookId, afterSeq, "record");
        return read(() -> store.historyPage(bookId, afterSeq, Math.min(limit, MAX_PAGE)));
    }

    /** A page's request, checked before it is believed: a cursor of 0 or more, a limit of 1 or more. */
    private static void requirePage(String cursor, long after, int limit) {
        if (after < 0) {
            throw new IllegalArgumentException(cursor + " must be 0 or more, got " + after);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, got " + limit);
        }
    }

    /** The first page of a read at INFO, the pages that follow it at DEBUG: a long read is one line in the log. */
    private void logRead(String what, long after, String cursor) {
        if (after == 0) {
            log.info("{}: client request: {}", me, what);
        } else {
            log.debug("{}: client request: {} after {} {}", me, what, cursor, after);
        }
    }

    private static <T extends Serializable> List<T> whole(Page<T> page, String tooLong) {
        if (page.more()) {
            throw new IllegalArgumentException(tooLong);
        }
        return page.items();
    }

    /** With authentication on: the request for {@code user} goes on only with a valid ticket of that user. */
    private void authorize(String ticket, String user, String what) throws AccessRefusedException, UnavailableException {
        if (users == null) {
            return;
        }
        try {
            users.authorize(ticket, user);
        } catch (AccessRefusedException e) {
            log.info("{}: refused {} for {}: {}", me, what, user, e.getMessage());
            throw e;
        } catch (StoreException e) {
            throw usersUnreadable(e);
        }
    }

    private UnavailableException usersUnreadable(StoreException e) {
        log.error("{}: cannot read the users: {}", me, e.getMessage());
        return new UnavailableException(me + " cannot read the users: " + e.getMessage());
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
