package shelf.library;

import java.io.Serializable;

/**
 * A client's request to change the library.
 *
 * @param requestId chosen by the client, the same on every retry, so a retry never applies twice
 */
public record Command(String requestId, Op op, int bookId, String user) implements Serializable {
}
