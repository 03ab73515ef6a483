package shelf.api;

import java.rmi.Remote;
import java.rmi.RemoteException;
import java.util.List;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.Outcome;

/**
 * What clients call on their designated node. Bound in each node's registry under this interface's name.
 *
 * <p>Called on RMI threads; each call blocks until the node has an answer or gives up. Rule violations
 * are {@link Outcome}s with {@code ok == false}, never exceptions; {@link UnavailableException} means
 * the node could not serve in time and nothing was applied; {@link IllegalArgumentException} means a
 * malformed request (bad user name).
 */
public interface LibraryService extends Remote {
    String NAME = "LibraryService";

    List<Book> list() throws RemoteException, UnavailableException;

    /**
     * Borrows, returns or renews under the cluster mutex. A retry with the same request id returns the
     * first outcome instead of applying twice.
     */
    Outcome execute(Command command) throws RemoteException, UnavailableException;

    List<Book> loans(String user) throws RemoteException, UnavailableException;

    /** The history of one book, or of all books when {@code bookId} is null, oldest first. */
    List<HistoryRecord> history(Integer bookId) throws RemoteException, UnavailableException;
}
