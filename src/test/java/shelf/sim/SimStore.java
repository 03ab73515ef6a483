package shelf.sim;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.LibraryState;
import shelf.library.Outcome;
import shelf.library.SampleCatalog;

/**
 * The shared library of a simulated cluster: the same rules ({@link LibraryState}) and the same fencing
 * check as {@code FileLibraryStore.apply}, in memory: a token below the highest accepted, or equal to it
 * from another node, is refused.
 */
final class SimStore {
    static final int BOOKS = 6;
    private final LibraryState state = new LibraryState(SampleCatalog.books(BOOKS));
    private final List<HistoryRecord> history = new ArrayList<>();
    private int fencedWrites;

    /** Applies a batch, or returns null when the token is fenced off. */
    List<Outcome> apply(FencingToken token, int node, List<Command> batch) {
        FencingToken highest = state.highestToken();
        if (token.isBelow(highest) || token.equals(highest) && state.highestTokenNode() != node) {
            fencedWrites++;
            return null;
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Command c : batch) {
            LibraryState.Decision d = state.decide(c, LocalDate.of(2026, 11, 24), 14);
            if (d instanceof LibraryState.Decision.Answer a) {
                outcomes.add(a.outcome());
            } else if (d instanceof LibraryState.Decision.Change ch) {
                HistoryRecord r = new HistoryRecord(state.lastSeq() + 1, Instant.EPOCH, ch.op(), ch.bookId(), ch.user(), node,
                        token, ch.due(), c.requestId());
                state.apply(r);
                history.add(r);
                outcomes.add(new Outcome(true, LibraryState.describe(r), state.book(r.bookId())));
            }
        }
        return outcomes;
    }

    List<HistoryRecord> history() {
        return history;
    }

    LibraryState state() {
        return state;
    }

    int fencedWrites() {
        return fencedWrites;
    }
}
