package shelf.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import shelf.fencing.FencingToken;
import shelf.library.Book;
import shelf.library.HistoryRecord;
import shelf.library.Op;

/**
 * Checks (b): the library's history replayed record by record. Three checks come of it: the lending rules held in
 * every record (no book lent twice, only the borrower returns or renews), the fencing tokens never go backwards, and
 * the library every node reports is the one the history replays to.
 */
final class Replay {
    static final String LENDING = "lending-rules";
    static final String TOKENS = "tokens-ordered";
    static final String NODES = "nodes-agree";

    private final List<String> lending = new ArrayList<>();
    private final List<String> tokens = new ArrayList<>();
    /** Each book's borrower after the last record; books never mentioned are on the shelf. */
    private final Map<Integer, String> borrowers = new TreeMap<>();

    private Replay() {
    }

    /** The three checks of {@code history} (in sequence order) against the libraries {@code reported} by each node. */
    static List<Check> check(List<HistoryRecord> history, Map<Integer, List<Book>> reported) {
        Replay replay = new Replay();
        replay.replay(history);
        return List.of(Check.of(LENDING, history.size() + " records: no book lent twice, only borrowers returned or renewed",
                        replay.lending),
                Check.of(TOKENS, "fencing tokens never went backwards", replay.tokens),
                Check.of(NODES, reported.size() + " nodes report the library the history replays to",
                        replay.compare(reported)));
    }

    private void replay(List<HistoryRecord> history) {
        FencingToken highest = FencingToken.NONE;
        long lastSeq = 0;
        for (HistoryRecord r : history) {
            if (r.seq() != lastSeq + 1) {
                lending.add("record #" + r.seq() + " follows record #" + lastSeq);
            }
            lastSeq = r.seq();
            if (r.op() == Op.FENCE) {
                highest = r.token(); // an operator's repair sets the fence where it says
                continue;
            }
            if (r.token().isBelow(highest)) {
                tokens.add("record #" + r.seq() + " has token " + r.token() + ", below the earlier " + highest);
            } else {
                highest = r.token();
            }
            apply(r);
        }
    }

    private void apply(HistoryRecord r) {
        String borrower = borrowers.get(r.bookId());
        if (r.op() == Op.BORROW) {
            if (borrower != null) {
                lending.add("record #" + r.seq() + " lends book " + r.bookId() + " to " + r.user() + " while it is lent to "
                        + borrower);
            }
            borrowers.put(r.bookId(), r.user());
            return;
        }
        if (!r.user().equals(borrower)) {
            lending.add("record #" + r.seq() + " is a " + r.op() + " of book " + r.bookId() + " by " + r.user() + ", who "
                    + "does not have it (" + where(borrower) + ")");
        }
        if (r.op() == Op.RETURN) { // a record takes effect as written, lawful or not: the nodes' libraries follow it
            borrowers.remove(r.bookId());
        }
    }

    private List<String> compare(Map<Integer, List<Book>> reported) {
        List<String> problems = new ArrayList<>();
        reported.forEach((node, books) -> {
            for (Book b : books) {
                String replayed = borrowers.get(b.id());
                if (!Objects.equals(b.borrower(), replayed)) {
                    problems.add("node " + node + " reports book " + b.id() + " " + where(b.borrower())
                            + ", the history replays to " + where(replayed));
                }
            }
        });
        return problems;
    }

    private static String where(String borrower) {
        return borrower == null ? "on the shelf" : "lent to " + borrower;
    }
}
