package shelf.library;

/** The library's files cannot be read or written; the message names the file (and line, for corruption). */
public class StoreException extends Exception {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
