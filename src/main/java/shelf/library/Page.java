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

    /** A page travels as a {@link Form}, as a {@link Book} does (why: {@link Book#writeReplace()}). */
    @java.io.Serial
    private Object writeReplace() {
        return new Form<>(items, more);
    }

    /** A page's serialized form: its items and whether more follow, read back through {@link Page}'s constructor. */
    private static final class Form<T extends Serializable> implements Serializable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final List<T> items;
        private final boolean more;

        Form(List<T> items, boolean more) {
            this.items = items;
            this.more = more;
        }

        @java.io.Serial
        private Object readResolve() {
            return new Page<>(items, more); // the constructor copies the list: no null, no list of the sender's kind
        }
    }

    /** The first {@code limit} of {@code items}, with {@code more} when there were more. */
    public static <T extends Serializable> Page<T> first(List<T> items, int limit) {
        return items.size() > limit ? new Page<>(items.subList(0, limit), true) : new Page<>(items, false);
    }
}
