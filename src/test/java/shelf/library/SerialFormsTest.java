package shelf.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shelf.util.JavaSerialization.deserialize;
import static shelf.util.JavaSerialization.serialize;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a client reads most, a book, a page and an outcome, travels as a plain form and comes back equal. */
class SerialFormsTest {


    @Test
    void aPageOfBooksAndAnOutcomeComeBackEqualAndTravelAsForms() throws Exception {
        Book lent = new Book(3, "Nineteen Eighty-Four", "George Orwell", false, "alice", LocalDate.of(2026, 12, 15));
        Book onShelf = new Book(1, "Pride and Prejudice", "Jane Austen", true, null, null);
        Page<Book> page = new Page<>(new ArrayList<>(List.of(onShelf, lent)), true);
        Outcome outcome = new Outcome(true, "alice borrowed book 3", lent);
        for (Object o : List.<Object>of(lent, onShelf, page, outcome, new Outcome(false, "no such book", null))) {
            byte[] bytes = serialize(o);
            assertEquals(o, deserialize(bytes));
            String stream = new String(bytes, StandardCharsets.ISO_8859_1);
            assertTrue(stream.contains("$Form"), o + " travels as a form");
        }
        String pageStream = new String(serialize(page), StandardCharsets.ISO_8859_1);
        assertFalse(pageStream.contains("java.util.ArrayList"), "the page holds its own immutable copy, not the caller's list");
    }

    @Test
    void aFormReadBackGoesThroughTheRecordsConstructor() throws Exception {
        // Page's constructor copies the items into an unmodifiable list: so does reading one
        Page<?> back = (Page<?>) deserialize(serialize(new Page<>(new ArrayList<>(List.of("a")), false)));
        assertThrows(UnsupportedOperationException.class, () -> back.items().add(null));
    }
}
