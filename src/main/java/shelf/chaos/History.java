package shelf.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import shelf.library.Command;

/**
 * What the clients did: every invocation and its completion, with their times. Thread-safe: every client records here.
 */
final class History {
    private final long startNs;
    private final AtomicLong invoked = new AtomicLong();
    private final List<Operation> completed = new ArrayList<>();
    private final long[] byResult = new long[Result.values().length];

    /** An invocation under way: what was sent, and when. */
    record Invocation(long index, int client, Command command, long invokeNs) {
    }

    History(long startNs) {
        this.startNs = startNs;
    }

    /** Nanoseconds since the run began. */
    long now() {
        return System.nanoTime() - startNs;
    }

    Invocation invoke(int client, Command command) {
        return new Invocation(invoked.getAndIncrement(), client, command, now());
    }

    void complete(Invocation i, FailoverClient.Answer answer) {
        Command c = i.command();
        Operation o = new Operation(i.index(), i.client(), c.user(), c.requestId(), c.op(), c.bookId(), i.invokeNs(), now(),
                answer.result(), answer.node(), answer.message());
        synchronized (this) {
            completed.add(o);
            byResult[o.result().ordinal()]++;
        }
    }

    /** For the progress line: operations invoked, then completed ok, refused and unknown. */
    synchronized long[] counts() {
        return new long[] {invoked.get(), byResult[0], byResult[1], byResult[2]};
    }

    /** Every completed operation, in invocation order. */
    synchronized List<Operation> operations() {
        List<Operation> all = new ArrayList<>(completed);
        all.sort(Comparator.comparingLong(Operation::index));
        return all;
    }
}
