package shelf.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.LibraryState;
import shelf.library.Outcome;
import shelf.library.SampleCatalog;
import shelf.library.StaleTokenException;

/**
 * The shared library of a simulated cluster: {@code FileLibraryStore}'s write step ({@link LibraryState#append}: the
 * fencing check, then the rules) with the history kept in memory instead of in a file.
 */
final class SimStore {
    static final int BOOKS = 6;
    /** Every write happens at this instant of the simulated calendar. */
    private static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");
    private static final int LOAN_DAYS = 14;

    private final LibraryState state = new LibraryState(SampleCatalog.books(BOOKS));
    private final List<HistoryRecord> history = new ArrayList<>();
    private int fencedWrites;

    /** Applies a batch, or returns null when the token is fenced off. */
    List<Outcome> apply(FencingToken token, int node, List<Command> batch) {
        try {
            LibraryState.Appended appended = state.append(token, node, batch, NOW, LOAN_DAYS);
            history.addAll(appended.records());
            return appended.outcomes();
        } catch (StaleTokenException e) {
            fencedWrites++;
            return null;
        }
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
