package shelf.library;

/** The history contradicts itself or has a damaged record before its end: the message names the file and line. */
public final class LibraryCorruptException extends StoreException {
    public LibraryCorruptException(String message) {
        super(message);
    }
}
