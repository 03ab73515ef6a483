package shelf.node;

import java.util.List;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.Outcome;

/**
 * Applies a batch of commands to the library under a fencing token, off the protocol thread, in two steps: the
 * append (under the store's writers' lock; then the cluster lock can go to the next holder) and the fsync that
 * makes it durable (then the clients can hear their outcomes). Called on the protocol thread; must not block.
 */
public interface LibraryWriter {
    void write(FencingToken token, List<Command> batch, Listener listener);

    /** What became of a batch; called on any thread, in this order, each at most once. */
    interface Listener {
        /** The batch is in the history (Applied: visible to every node, not durable yet), or was not written. */
        void appended(Result result);

        /** Only after Applied: an fsync that covers the batch returned. */
        void durable();

        /** Only after Applied: the fsync failed; the batch may or may not survive a power loss. */
        void notDurable(String reason);
    }

    /** What became of a batch's append. */
    sealed interface Result {
        /** In the history, one outcome per command; durable once {@link Listener#durable} is called. */
        record Applied(List<Outcome> outcomes) implements Result {
        }

        /** The store refused the token: it has accepted a higher one ({@code highest}). Nothing was applied. */
        record Fenced(FencingToken offered, FencingToken highest) implements Result {
            /** What happened, in the words a client and the log get. */
            public String reason() {
                return "stale fencing token " + offered + " below the library's highest " + highest;
            }
        }

        /** The store could not be written. Nothing was applied. */
        record Failed(String reason) implements Result {
        }
    }
}
