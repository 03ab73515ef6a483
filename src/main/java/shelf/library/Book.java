package shelf.library;

import java.io.Serializable;
import java.time.LocalDate;

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

    @Override
    public String toString() {
        String state = available ? "on the shelf" : "lent to " + borrower + ", due " + due;
        return String.format("%3d  %-45s %-25s %s", id, title, author, state);
    }
}
