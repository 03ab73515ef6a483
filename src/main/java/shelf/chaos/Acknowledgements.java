package shelf.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import shelf.library.HistoryRecord;
import shelf.library.Op;

/**
 * Check (a), by request id: every acknowledged operation is in the library's history exactly once, nothing is in the
 * history that no client invoked, and nothing a node refused was applied after all.
 */
final class Acknowledgements {
    static final String NAME = "acknowledged-once";

    private Acknowledgements() {
    }

    /** What is wrong with {@code r} as the application of {@code o}, if anything. */
    private static Optional<String> mismatch(Operation o, HistoryRecord r) {
        if (o.op() != r.op() || o.bookId() != r.bookId() || !o.user().equals(r.user())) {
            return Optional.of("record #" + r.seq() + " (" + r.op() + " book " + r.bookId() + " by " + r.user()
                    + ") is not what request " + r.requestId() + " asked: " + o.describe());
        }
        if (o.result() == Result.REFUSED) {
            return Optional.of(o.describe() + " was refused, yet applied as record #" + r.seq());
        }
        return Optional.empty();
    }

    static Check check(List<Operation> operations, List<HistoryRecord> history) {
        Map<String, Operation> invoked = new HashMap<>();
        operations.forEach(o -> invoked.put(o.requestId(), o));
        Map<String, Integer> applied = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (HistoryRecord r : history) {
            if (r.op() == Op.FENCE) {
                continue;
            }
            Operation o = r.requestId() == null ? null : invoked.get(r.requestId());
            if (o == null) {
                problems.add("record #" + r.seq() + " (" + r.op() + " book " + r.bookId() + " by " + r.user()
                        + ", request " + r.requestId() + ") was applied but no client invoked it");
                continue;
            }
            if (applied.merge(r.requestId(), 1, Integer::sum) == 2) {
                problems.add("request " + r.requestId() + " " + o.describe() + " was applied twice (again as record #"
                        + r.seq() + ")");
            }
            mismatch(o, r).ifPresent(problems::add);
        }
        for (Operation o : operations) {
            if (o.result() == Result.OK && !applied.containsKey(o.requestId())) {
                problems.add(o.describe() + " was acknowledged but is not in the history (a lost acknowledgement)");
            }
        }
        long ok = operations.stream().filter(o -> o.result() == Result.OK).count();
        return Check.of(NAME, ok + " acknowledged operations each in the history once; " + history.size()
                + " records, each invoked by a client", problems);
    }
}
