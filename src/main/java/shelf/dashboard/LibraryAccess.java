package shelf.dashboard;

import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import shelf.api.LibraryService;
import shelf.api.UnavailableException;
import shelf.library.AccessRefusedException;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.library.Page;
import shelf.library.Usernames;

/**
 * The dashboard's library client: the catalogue, the tail of the history, and borrow/return as a named user (logged in
 * with the user's PIN when user authentication is on). Each call goes to the node that served last, then to the others
 * in configuration order; a change keeps its request id across nodes, so it applies at most once. Each remote call runs
 * on the shared pool and is abandoned after its deadline, so a silent node never holds the page up. Thread-safe.
 */
final class LibraryAccess {
    /** How the dashboard reaches node {@code id}'s library service. */
    @FunctionalInterface
    interface Lookup {
        LibraryService lookup(int id) throws RemoteException, NotBoundException;
    }

    /** One call on one node's library service. */
    @FunctionalInterface
    private interface Call<T> {
        T on(LibraryService library) throws Exception;
    }

    /**
     * The library as the page shows it: the first books (and whether more follow) and the last records of the history,
     * newest last.
     */
    record LibraryView(List<Book> books, boolean moreBooks, List<HistoryRecord> history) {
    }

    /** How many history records the page shows. */
    static final int HISTORY_TAIL = 12;
    /** How many books the page shows: the first of the catalogue, whatever its size. */
    static final int BOOKS_SHOWN = 100;

    private final List<Integer> ids;
    private final Lookup lookup;
    private final ExecutorService calls;
    private final long readMs;
    private final long writeMs;
    private final Map<Integer, LibraryService> stubs = new ConcurrentHashMap<>();
    private final Map<String, String> tickets = new ConcurrentHashMap<>();
    private final Deque<HistoryRecord> tail = new ArrayDeque<>();
    private volatile int preferred;

    LibraryAccess(List<Integer> ids, Lookup lookup, ExecutorService calls, long readMs, long writeMs) {
        this.ids = List.copyOf(ids);
        this.lookup = lookup;
        this.calls = calls;
        this.readMs = readMs;
        this.writeMs = writeMs;
        this.preferred = ids.get(0);
    }

    /** The catalogue's first page and the history's tail, read now (the history from where the last read ended). */
    synchronized LibraryView read() throws UnavailableException {
        Page<Book> books = call(l -> l.list(0, BOOKS_SHOWN), readMs);
        long after = tail.isEmpty() ? 0 : tail.getLast().seq();
        Page<HistoryRecord> page;
        do {
            long from = after;
            page = call(l -> l.history(null, from, LibraryService.MAX_PAGE), readMs);
            for (HistoryRecord r : page.items()) {
                tail.addLast(r);
                after = r.seq();
                if (tail.size() > HISTORY_TAIL) {
                    tail.removeFirst();
                }
            }
        } while (page.more());
        return new LibraryView(books.items(), books.more(), new ArrayList<>(tail));
    }

    /**
     * Borrows or returns a book as {@code user}.
     *
     * @param pin the user's PIN when user authentication is on, else ignored (may be null)
     * @throws IllegalArgumentException a malformed user name or a refusal of the user's credentials
     * @throws UnavailableException     no node could serve it in time
     */
    Outcome change(Op op, int bookId, String user, String pin) throws UnavailableException {
        Usernames.check(user);
        Command command = new Command(UUID.randomUUID().toString(), op, bookId, user);
        boolean authentication = call(LibraryService::authenticationRequired, readMs);
        if (!authentication) {
            return call(l -> l.execute(command), writeMs);
        }
        if (pin == null || pin.isEmpty()) {
            throw new IllegalArgumentException("user authentication is on: give " + user + "'s PIN");
        }
        String ticket = tickets.get(user + '\0' + pin);
        if (ticket == null) {
            ticket = call(l -> l.login(user, pin), writeMs);
            tickets.put(user + '\0' + pin, ticket);
        }
        String t = ticket;
        return call(l -> l.execute(command, t), writeMs);
    }

    private <T> T call(Call<T> call, long deadlineMs) throws UnavailableException {
        List<Integer> order = new ArrayList<>(ids);
        order.remove(Integer.valueOf(preferred));
        order.add(0, preferred);
        List<String> failures = new ArrayList<>();
        for (int id : order) {
            Future<T> f = calls.submit(() -> call.on(stub(id)));
            try {
                T result = f.get(deadlineMs, TimeUnit.MILLISECONDS);
                preferred = id;
                return result;
            } catch (TimeoutException e) {
                f.cancel(true);
                failures.add("node " + id + ": no answer in " + deadlineMs + " ms");
            } catch (ExecutionException e) {
                Throwable why = e.getCause();
                if (why instanceof AccessRefusedException || why instanceof IllegalArgumentException
                        || why instanceof SecurityException) {
                    throw new IllegalArgumentException(why.getMessage());
                }
                stubs.remove(id);
                failures.add("node " + id + ": " + (why.getMessage() == null ? why.getClass().getSimpleName()
                        : why.getMessage().lines().findFirst().orElse("")));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnavailableException("interrupted");
            }
        }
        throw new UnavailableException("no node could serve: " + String.join("; ", failures));
    }

    private LibraryService stub(int id) throws RemoteException, NotBoundException {
        LibraryService s = stubs.get(id);
        if (s == null) {
            s = lookup.lookup(id);
            stubs.put(id, s);
        }
        return s;
    }
}
