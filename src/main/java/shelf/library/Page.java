package shelf.library;

import java.io.Serializable;
import java.util.List;

/**
 * One page of an answer too long to send at once (the history, the catalogue): up to a limit of items, in order, and
 * whether more follow the last one. The next page is asked for after the last item's key (a record's {@code seq}, a
 * book's {@code id}).
 *
 * @param items the page's items, in order; never null
 * @param more  whether items follow the last one (asked for after it, the next page is not empty)
 */
public record Page<T extends Serializable>(List<T> items, boolean more) implements Serializable {

    public Page {
        items = List.copyOf(items);
    }

    /** The first {@code limit} of {@code items}, with {@code more} when there were more. */
    public static <T extends Serializable> Page<T> first(List<T> items, int limit) {
        return items.size() > limit ? new Page<>(items.subList(0, limit), true) : new Page<>(items, false);
    }
}
