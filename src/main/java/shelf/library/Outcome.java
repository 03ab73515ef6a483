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
}
