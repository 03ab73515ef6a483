package shelf.library;

import java.util.List;
import shelf.fencing.FencingToken;

/**
 * The shared library: state, rules and durable history. The seam for other stores (a database for
 * nodes without a shared folder).
 *
 * <p>Thread-safe. Every method may block on disk I/O, so the node calls {@link #append} and {@link #sync}
 * from its writer thread, never from its protocol thread. Reads see every write acknowledged before they
 * began, and may see a change a moment before it is durable (appended by its holder, its fsync not yet
 * returned); a writer's answers wait for {@link #sync}.
 */
public interface LibraryStore extends AutoCloseable {

    /**
     * Appends commands in order under one fencing token and returns one outcome per command. The changes are
     * at once visible to every node's store (the cluster lock can go to the next holder), but durable only
     * once {@link #sync} returns: nobody may hear an outcome before that, a refusal included (it may rest on
     * another holder's change that is not durable yet).
     *
     * @throws StaleTokenException when a write with a higher token has been accepted; nothing is applied
     * @throws StoreException      when the files cannot be written; nothing is applied
     */
    List<Outcome> append(FencingToken token, int node, List<Command> commands) throws StaleTokenException, StoreException;

    /**
     * Makes every change appended so far durable, whoever appended it (one fsync of the shared history covers
     * them all). Does not take the writers' lock: the next holder may append meanwhile.
     *
     * @throws StoreException when the fsync fails; the changes may or may not survive a power loss
     */
    void sync() throws StoreException;

    /** {@link #append} then {@link #sync}: returns only after every change is durable. */
    default List<Outcome> apply(FencingToken token, int node, List<Command> commands) throws StaleTokenException, StoreException {
        List<Outcome> outcomes = append(token, node, commands);
        sync();
        return outcomes;
    }

    List<Book> books() throws StoreException;

    List<Book> loansOf(String user) throws StoreException;

    /** The whole history, or one book's ({@code bookId} not null), oldest first. */
    List<HistoryRecord> history(Integer bookId) throws StoreException;

    /**
     * Up to {@code limit} records of the history (or of one book's, {@code bookId} not null) with a sequence number
     * above {@code afterSeq}, oldest first, and whether more follow. A store keeps the memory of a call to about the
     * page's records, whatever the history's length; this default reads the whole history, for stores that fit it.
     *
     * @param afterSeq 0 or more: 0 for the first page, else the last record's {@code seq} of the page before
     * @param limit    1 or more
     */
    default Page<HistoryRecord> historyPage(Integer bookId, long afterSeq, int limit) throws StoreException {
        return Page.first(history(bookId).stream().filter(r -> r.seq() > afterSeq).toList(), limit);
    }

    /**
     * Up to {@code limit} books with an id above {@code afterId}, by id, and whether more follow; as {@link #historyPage}.
     *
     * @param afterId 0 or more: 0 for the first page, else the last book's {@code id} of the page before
     * @param limit   1 or more
     */
    default Page<Book> booksPage(int afterId, int limit) throws StoreException {
        return Page.first(books().stream().filter(b -> b.id() > afterId).toList(), limit);
    }

    /** The highest fencing token the store has accepted a write with. */
    FencingToken highestToken() throws StoreException;

    /**
     * An operator's repair of the fence ({@code admin fence-repair}): appends an {@link Op#FENCE} record by {@code operator}
     * from {@code node}, after which the store accepts tokens from {@code to} up, even below those it accepted before (a
     * forged or absurd token). Durable when it returns. A store that cannot keep such a record says so.
     *
     * @return the record, with the fence it replaced left to the caller to read first ({@link #highestToken})
     * @throws StoreException when the files cannot be written, or the store cannot repair its fence; nothing changed
     */
    default HistoryRecord repairFence(FencingToken to, int node, String operator) throws StoreException {
        throw new StoreException(getClass().getSimpleName() + " cannot repair its fence");
    }

    /**
     * Makes this store's writes fail as a failing disk would ({@code admin store-fault}) until {@link StoreFault#NONE}
     * clears it. Thread-safe; not persisted.
     *
     * @throws UnsupportedOperationException from a store that takes no injected faults (asked for one other than NONE)
     */
    default void injectFault(StoreFault fault) {
        if (fault != StoreFault.NONE) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " takes no injected faults");
        }
    }

    /** The fault {@link #injectFault} put in force, {@link StoreFault#NONE} when none. */
    default StoreFault injectedFault() {
        return StoreFault.NONE;
    }

    @Override
    void close();
}
