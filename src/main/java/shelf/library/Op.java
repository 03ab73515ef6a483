package shelf.library;

/**
 * The changes a client can make to the library; each successful one is a history record. And one record no client can
 * make: an operator's repair of the fence ({@link #FENCE}).
 */
public enum Op {
    /** Take a book off the shelf: it must be available. */
    BORROW,
    /** Put a book back: only its current borrower may. */
    RETURN,
    /** Extend a loan by one loan period: only the current borrower may. */
    RENEW,
    /**
     * An operator's repair of the fence ({@code admin fence-repair}), never a client's: from this record on the library
     * accepts tokens from the record's token up, even below the tokens it accepted before (a forged or absurd one).
     * Its user is the operator's identity, its node the node that wrote it, its book 0.
     */
    FENCE
}
