package shelf.api;

import java.rmi.Remote;
import java.rmi.RemoteException;
import java.util.List;
import shelf.library.AccessRefusedException;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.Outcome;
import shelf.library.Page;

/**
 * What clients call on their designated node. Bound in each node's registry under this interface's name.
 *
 * <p>Called on RMI threads; each call blocks until the node has an answer or gives up. Rule violations
 * are {@link Outcome}s with {@code ok == false}, never exceptions; {@link UnavailableException} means
 * the node could not serve in time and nothing was applied; {@link IllegalArgumentException} means a
 * malformed request (bad user name).
 *
 * <p>User authentication ({@code users.file} in the cluster's configuration; off by default). Off, a node trusts the
 * user name a client sends, as the seed did. On, a client calls {@link #login} once per session (the node checks the
 * PIN's slow hash) and sends the ticket it gets with every change and every {@code loans}, to any node of the cluster;
 * the node refuses ({@link AccessRefusedException}, nothing applied) a request without a valid ticket or for another
 * user than the ticket's. {@link #list} and {@link #history} stay open to every client: they change nothing, and the
 * catalogue shows borrowers anyway. The methods without a ticket are those of a node with authentication off; on,
 * they are refused.
 */
public interface LibraryService extends Remote {
    String NAME = "LibraryService";
    /**
     * The most items a node sends in one page: a larger {@code limit} is cut to this. A page of 5,000 history records is
     * about 1 MB on the wire and in the node's heap; a smaller page costs a long history more round trips.
     */
    int MAX_PAGE = 5_000;
    /**
     * The most items a node sends in one whole answer ({@link #list()}, {@link #history(Integer)}): a longer catalogue
     * or history is refused, to be read in pages, so that no answer outgrows a node's memory.
     */
    int MAX_WHOLE = 10_000;

    /**
     * The whole catalogue, by id.
     *
     * @throws IllegalArgumentException the catalogue has more than {@link #MAX_WHOLE} books: read it with
     *                                  {@link #list(int, int)}
     */
    List<Book> list() throws RemoteException, UnavailableException;

    /**
     * Up to {@code limit} books (at most {@link #MAX_PAGE}) with an id above {@code afterId}, by id, and whether more
     * follow: the catalogue page by page, each page as the library is when it is read.
     *
     * @param afterId 0 for the first page, else the last book's id of the page before
     * @throws IllegalArgumentException {@code afterId} is negative or {@code limit} below 1
     */
    Page<Book> list(int afterId, int limit) throws RemoteException, UnavailableException;

    /** Whether this node requires a {@link #login}: user authentication is on. Cheap. */
    boolean authenticationRequired() throws RemoteException;

    /**
     * Checks {@code user}'s PIN (a slow hash, a few hundred milliseconds; one at a time per node) and returns a session
     * ticket, valid on every node of the cluster for twelve hours, to send with every later request of this user.
     *
     * @throws AccessRefusedException "wrong PIN for USER, or no such user" (or authentication is off)
     * @throws UnavailableException   the node cannot read the users store
     */
    String login(String user, String pin) throws RemoteException, AccessRefusedException, UnavailableException;

    /**
     * Borrows, returns or renews under the cluster mutex. A retry with the same request id returns the
     * first outcome instead of applying twice.
     *
     * @param ticket the session's ticket from {@link #login}; null when authentication is off
     * @throws AccessRefusedException authentication is on and the ticket is missing, invalid, expired, or not the
     *                                command's user's; nothing was applied
     */
    Outcome execute(Command command, String ticket)
            throws RemoteException, UnavailableException, AccessRefusedException;

    /** {@link #execute(Command, String)} without a ticket: for a node with authentication off. */
    Outcome execute(Command command) throws RemoteException, UnavailableException, AccessRefusedException;

    /** The books on loan to {@code user}; with authentication on, only for the ticket's own user. */
    List<Book> loans(String user, String ticket) throws RemoteException, UnavailableException, AccessRefusedException;

    /** {@link #loans(String, String)} without a ticket: for a node with authentication off. */
    List<Book> loans(String user) throws RemoteException, UnavailableException, AccessRefusedException;

    /**
     * The history of one book, or of all books when {@code bookId} is null, oldest first.
     *
     * @throws IllegalArgumentException it has more than {@link #MAX_WHOLE} records: read it with
     *                                  {@link #history(Integer, long, int)}
     */
    List<HistoryRecord> history(Integer bookId) throws RemoteException, UnavailableException;

    /**
     * Up to {@code limit} records (at most {@link #MAX_PAGE}) of the history of one book, or of all books when
     * {@code bookId} is null, with a sequence number above {@code afterSeq}, oldest first, and whether more follow.
     * Records never change once written, so the pages of a history read one after another are the history.
     *
     * @param afterSeq 0 for the first page, else the last record's {@code seq} of the page before
     * @throws IllegalArgumentException {@code afterSeq} is negative or {@code limit} below 1
     */
    Page<HistoryRecord> history(Integer bookId, long afterSeq, int limit) throws RemoteException, UnavailableException;
}
