package shelf.library;

import java.util.List;

/**
 * The shared library: state, rules and durable history. The seam for other stores (a database for
 * nodes without a shared folder).
 *
 * <p>Thread-safe. Every method may block on disk I/O, so the node calls {@link #apply} from its
 * writer thread, never from its protocol thread. Reads see every write acknowledged before they began.
 */
public interface LibraryStore extends AutoCloseable {

    /**
     * Applies commands in order under one fencing token, with one fsync, and returns one outcome per
     * command. Returns only after every change is durable.
     *
     * @throws StaleTokenException when a write with a higher token has been accepted; nothing is applied
     * @throws StoreException      when the files cannot be written; nothing is acknowledged
     */
    List<Outcome> apply(FencingToken token, int node, List<Command> commands) throws StaleTokenException, StoreException;

    List<Book> books() throws StoreException;

    List<Book> loansOf(String user) throws StoreException;

    /** The whole history, or one book's ({@code bookId} not null), oldest first. */
    List<HistoryRecord> history(Integer bookId) throws StoreException;

    /** The highest fencing token the store has accepted a write with. */
    FencingToken highestToken() throws StoreException;

    @Override
    void close();
}
