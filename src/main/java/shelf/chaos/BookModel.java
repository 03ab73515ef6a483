package shelf.chaos;

import shelf.library.Op;

/**
 * The sequential specification of one book, for the linearizability search: a register that holds its borrower.
 * Borrow takes the book off the shelf; return and renew need its borrower; any other try is refused and changes
 * nothing.
 *
 * @param borrower null when the book is on the shelf
 */
record BookModel(String borrower) {
    static final BookModel ON_SHELF = new BookModel(null);

    /** The state after {@code op} by {@code user} ended as {@code result} here, or null when the specification forbids it. */
    BookModel step(Op op, String user, Result result) {
        boolean allowed = switch (op) {
            case BORROW -> borrower == null;
            case RETURN, RENEW -> user.equals(borrower);
            default -> false;
        };
        if (result == Result.REFUSED) {
            return allowed ? null : this;
        }
        if (!allowed) {
            return null;
        }
        return switch (op) {
            case BORROW -> new BookModel(user);
            case RETURN -> ON_SHELF;
            default -> this;
        };
    }

    @Override
    public String toString() {
        return borrower == null ? "on the shelf" : "lent to " + borrower;
    }
}
