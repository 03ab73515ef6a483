package shelf.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;
import shelf.library.Json;

/**
 * Prints a list that may arrive in pages (books, history records) exactly as one answer was printed: each item on its
 * line as it arrives, or, with {@code --json}, one JSON array of them all (the same bytes as the whole list written at
 * once), printed when the last page is in, so that an error in between leaves no half document on stdout.
 *
 * @param <T> the items
 */
final class Listing<T> {
    private final boolean json;
    private final PrintStream out;
    private final Function<T, Object> document;
    private final StringBuilder array = new StringBuilder("[");
    private long count;

    /** A listing on {@code out}; with {@code json}, each item is written as {@code document} makes it. */
    Listing(boolean json, PrintStream out, Function<T, Object> document) {
        this.json = json;
        this.out = out;
        this.document = document;
    }

    void add(List<T> items) {
        for (T item : items) {
            if (!json) {
                out.println(item);
            } else {
                if (count > 0) {
                    array.append(',');
                }
                array.append(toJson(document.apply(item)));
            }
            count++;
        }
    }

    /** Ends the listing: prints the JSON array, or else {@code none} when no item came. */
    void finish(String none) {
        if (json) {
            out.println(array.append(']'));
        } else if (count == 0) {
            out.println(none);
        }
    }

    static String toJson(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
