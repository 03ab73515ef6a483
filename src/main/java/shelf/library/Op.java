package shelf.library;

/** The changes a client can make to the library; each successful one is a history record. */
public enum Op {
    /** Take a book off the shelf: it must be available. */
    BORROW,
    /** Put a book back: only its current borrower may. */
    RETURN,
    /** Extend a loan by one loan period: only the current borrower may. */
    RENEW
}
