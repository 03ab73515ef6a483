package shelf.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import shelf.fencing.FencingToken;
import shelf.library.Book;
import shelf.library.CatalogEntry;
import shelf.library.HistoryRecord;
import shelf.library.LibraryState;

/**
 * DESIGN §3's invariants over a finished run, for the simulation and the real-process tests alike:
 * <ol>
 *   <li>at most one holder at a time as the store saw it: tokens never decrease along the history, and
 *       all records of one token come from one node, in one run;</li>
 *   <li>every acknowledged operation appears in the history exactly once;</li>
 *   <li>replaying the history is valid under the rules (so no book was ever lent to two users at once)
 *       and gives the state the nodes report.</li>
 * </ol>
 * Returns the violations found, empty when the run was correct.
 */
public final class InvariantChecker {
    private InvariantChecker() {
    }

    public static List<String> check(List<HistoryRecord> history, Collection<String> acknowledgedRequestIds,
                                     List<CatalogEntry> catalog, Map<String, List<Book>> reportedStates) {
        List<String> violations = new ArrayList<>();
        checkTokens(history, violations);
        Map<String, Integer> occurrences = new HashMap<>();
        for (HistoryRecord r : history) {
            occurrences.merge(r.requestId(), 1, Integer::sum);
        }
        occurrences.forEach((id, n) -> {
            if (n > 1) {
                violations.add("request " + id + " applied " + n + " times");
            }
        });
        for (String id : acknowledgedRequestIds) {
            if (!occurrences.containsKey(id)) {
                violations.add("acknowledged request " + id + " is not in the history");
            }
        }
        LibraryState replayed = new LibraryState(catalog);
        try {
            history.forEach(replayed::apply);
        } catch (IllegalStateException e) {
            violations.add("replay: " + e.getMessage());
            return violations;
        }
        List<Book> expected = replayed.books();
        reportedStates.forEach((who, books) -> {
            if (!expected.equals(books)) {
                violations.add(who + " reports a state that differs from the replayed history: " + diff(expected, books));
            }
        });
        return violations;
    }

    private static void checkTokens(List<HistoryRecord> history, List<String> violations) {
        FencingToken previous = FencingToken.NONE;
        Map<FencingToken, Integer> writer = new HashMap<>();
        FencingToken last = null;
        for (HistoryRecord r : history) {
            FencingToken t = r.token();
            if (r.op() == shelf.library.Op.FENCE) { // an operator's fence repair: the fence starts again at its token
                previous = t;
                last = null;
                continue;
            }
            if (t.isBelow(previous)) {
                violations.add("record " + r.seq() + " has token " + t + " below the earlier " + previous);
            }
            Integer node = writer.putIfAbsent(t, r.node());
            if (node != null && node != r.node()) {
                violations.add("token " + t + " was used by nodes " + node + " and " + r.node());
            }
            if (node != null && !t.equals(last)) {
                violations.add("token " + t + " reappears at record " + r.seq() + " after another token");
            }
            previous = t;
            last = t;
        }
    }

    private static String diff(List<Book> expected, List<Book> actual) {
        if (expected.size() != actual.size()) {
            return expected.size() + " books expected, " + actual.size() + " reported";
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return "expected " + expected.get(i) + " but got " + actual.get(i);
            }
        }
        return "none";
    }
}
