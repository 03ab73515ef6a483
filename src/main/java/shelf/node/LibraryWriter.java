package shelf.node;

import java.util.List;
import java.util.function.Consumer;
import shelf.library.Command;
import shelf.library.FencingToken;
import shelf.library.Outcome;

/**
 * Applies a batch of commands to the library under a fencing token, off the protocol thread.
 * Called on the protocol thread; must not block; {@code done} may run on any thread.
 */
public interface LibraryWriter {
    void write(FencingToken token, List<Command> batch, Consumer<Result> done);

    /** What became of a batch. */
    sealed interface Result {
        /** Applied (durably): one outcome per command. */
        record Applied(List<Outcome> outcomes) implements Result {
        }

        /** The store refused the token: a newer holder has written. Nothing was applied. */
        record Fenced(String reason) implements Result {
        }

        /** The store could not be written. Nothing was acknowledged. */
        record Failed(String reason) implements Result {
        }
    }
}
