package shelf.chaos;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import shelf.library.Command;
import shelf.library.Op;

/**
 * One chaos client: borrows, returns and renews books at random, one operation at a time, each recorded in the
 * {@link History} with its outcome. It mostly asks for what it believes the rules allow (returns what it holds, borrows
 * what it does not), and now and then for what they forbid (returns a book it does not hold), so the history has
 * refusals of every kind.
 */
final class Client implements Runnable {
    /** How long a client keeps trying one operation round the nodes before it calls its outcome unknown. */
    static final long PATIENCE_MS = 30_000;
    /** A short random think time between two operations, so that eight clients do not saturate a two-core machine. */
    private static final int THINK_MS = 40;

    private final int id;
    private final String user;
    private final int books;
    private final FailoverClient library;
    private final History history;
    private final Random random;
    private final Set<Integer> held = new HashSet<>();
    private volatile boolean stopping;

    Client(int id, int books, FailoverClient library, History history, long seed) {
        this.id = id;
        this.user = "client" + id;
        this.books = books;
        this.library = library;
        this.history = history;
        this.random = new Random(seed);
    }

    /** Finishes the operation under way (ok, refused or unknown), then stops. */
    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                Command command = next();
                History.Invocation invocation = history.invoke(id, command);
                FailoverClient.Answer answer = library.execute(command, System.nanoTime()
                        + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS));
                history.complete(invocation, answer);
                learn(command, answer.result());
                Thread.sleep(random.nextInt(THINK_MS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A book and what to do with it: mostly what the rules allow as far as the client knows, now and then not. */
    private Command next() {
        int roll = random.nextInt(20);
        if (!held.isEmpty() && roll < 10) {
            List<Integer> mine = List.copyOf(held);
            int book = mine.get(random.nextInt(mine.size()));
            return command(roll < 7 ? Op.RETURN : Op.RENEW, book);
        }
        int book = 1 + random.nextInt(books);
        return command(roll < 18 ? Op.BORROW : roll < 19 ? Op.RETURN : Op.RENEW, book);
    }

    private Command command(Op op, int book) {
        return new Command(UUID.randomUUID().toString(), op, book, user);
    }

    /** What the client believes it holds, from the answers it had (an unknown borrow may or may not have happened). */
    private void learn(Command c, Result result) {
        if (result == Result.OK && c.op() == Op.BORROW) {
            held.add(c.bookId());
        } else if (result != Result.REFUSED && c.op() == Op.RETURN) {
            held.remove(c.bookId());
        } else if (result == Result.REFUSED && c.op() != Op.BORROW) {
            held.remove(c.bookId());
        }
    }
}
