package shelf.library;

import java.io.Serializable;

/**
 * What became of a {@link Command}.
 *
 * @param ok      true when applied (or applied before, for a retried request id)
 * @param message one human sentence
 * @param book    the book after the command, or null for an unknown book id
 */
public record Outcome(boolean ok, String message, Book book) implements Serializable {

    /** An outcome travels as a {@link Form}, as a {@link Book} does (why: {@link Book#writeReplace()}). */
    @java.io.Serial
    private Object writeReplace() {
        return new Form(ok, message, book);
    }

    /** An outcome's serialized form: its components as fields, read back through {@link Outcome}'s constructor. */
    private static final class Form implements Serializable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final boolean ok;
        private final String message;
        private final Book book;

        Form(boolean ok, String message, Book book) {
            this.ok = ok;
            this.message = message;
            this.book = book;
        }

        @java.io.Serial
        private Object readResolve() {
            return new Outcome(ok, message, book);
        }
    }
}
