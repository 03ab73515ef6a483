package shelf.library;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.Locale;

/**
 * A book as clients see it: catalogue entry plus its loan, if any. Field names are the JSON contract.
 *
 * @param borrower the current borrower, or null when on the shelf
 * @param due      the due date, or null when on the shelf
 */
public record Book(int id, String title, String author, boolean available, String borrower, LocalDate due)
        implements Serializable {

    static Book onShelf(CatalogEntry entry) {
        return new Book(entry.id(), entry.title(), entry.author(), true, null, null);
    }

    Book lentTo(String user, LocalDate dueDate) {
        return new Book(id, title, author, false, user, dueDate);
    }

    /**
     * A book travels as a {@link Form}, a plain class: a cold client JVM reading a record first spins the method handles
     * Java's record deserialization builds for each record class (about 20 ms each, 40 ms of a one-shot {@code list}
     * of a {@link Page} of books; BENCHMARKS.md, "A cold client's start, again"); a form is read by plain field
     * assignment and made a {@code Book} through the canonical constructor, so nothing skips its checks. Every node
     * and client of a cluster runs the same version (README), so the form can change with the record.
     */
    @java.io.Serial
    private Object writeReplace() {
        return new Form(this);
    }

    /** A book's serialized form: its components as fields, read back through {@link Book}'s constructor. */
    private static final class Form implements Serializable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final int id;
        private final String title;
        private final String author;
        private final boolean available;
        private final String borrower;
        private final LocalDate due;

        Form(Book b) {
            id = b.id;
            title = b.title;
            author = b.author;
            available = b.available;
            borrower = b.borrower;
            due = b.due;
        }

        @java.io.Serial
        private Object readResolve() {
            return new Book(id, title, author, available, borrower, due);
        }
    }

    @Override
    public String toString() {
        String state = available ? "on the shelf" : "lent to " + borrower + ", due " + due;
        // %s, not %d, for the id: ASCII digits in every locale, and a one-shot client does not load the locale's
        // number symbols (about 20 ms of its start) to print a table
        return String.format(Locale.US, "%3s  %-45s %-25s %s", id, title, author, state);
    }
}
