package shelf.chaos;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Check (c): per book, whether the operations the clients saw can be put in one order that respects real time (an
 * operation that completed before another was invoked comes first) and that the book's specification ({@link BookModel})
 * accepts with the outcomes the clients saw.
 *
 * <p>The search is Wing and Gong's, with Lowe's memo of (operations linearized, state) pairs, as in Knossos and
 * Porcupine: walk the invocations and completions in time order; linearize a pending operation when the model allows
 * it; at a completion whose operation could not be linearized before it, take back the last choice. An
 * {@link Result#UNKNOWN} operation may take effect at any point after its invocation, or never: it has no completion to
 * reach, and the search ends when every operation with a completion is linearized. When the library's history tells
 * which unknown operations were applied ({@code applied}), those must take effect (their completion is at the end of
 * time) and the others never did (they are left out).
 *
 * <p>Books are searched one at a time (a library is linearizable when each book is: the books share no state).
 */
final class Linearizability {
    static final String NAME = "linearizable";
    /** A book whose search visits more (operations linearized, state) pairs than this is reported as not decided. */
    static final int MAX_STATES = 500_000;
    /** How many operations the offending window shows. */
    private static final int WINDOW = 10;

    private Linearizability() {
    }

    /**
     * @param applied the request ids the library's history holds, or null when unknown operations may or may not have
     *                been applied
     */
    static Check check(List<Operation> operations, Set<String> applied) {
        Map<Integer, List<Operation>> byBook = new TreeMap<>();
        for (Operation o : operations) {
            if (o.result() != Result.UNKNOWN || applied == null || applied.contains(o.requestId())) {
                byBook.computeIfAbsent(o.bookId(), b -> new ArrayList<>()).add(o);
            }
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Integer, List<Operation>> book : byBook.entrySet()) {
            String problem = new Search(book.getValue(), applied != null).run();
            if (problem != null) {
                problems.add("book " + book.getKey() + ": " + problem);
            }
        }
        return Check.of(NAME, byBook.size() + " books, " + byBook.values().stream().mapToInt(List::size).sum()
                + " operations: each book's history is linearizable", problems);
    }

    /** An invocation or a completion in the doubly linked list of the search. */
    private static final class Entry {
        final int id;
        final Operation op;
        final long time;
        /** An invocation's completion; null for a completion, and for an invocation that need not complete. */
        Entry match;
        final boolean call;
        Entry prev;
        Entry next;

        Entry(int id, Operation op, long time, boolean call) {
            this.id = id;
            this.op = op;
            this.time = time;
            this.call = call;
        }
    }

    private record Memo(BitSet linearized, BookModel state) {
    }

    private record Choice(Entry call, BookModel stateBefore) {
    }

    /** The search over one book's operations. */
    private static final class Search {
        private final List<Operation> ops;
        private final Entry head = new Entry(-1, null, Long.MIN_VALUE, false);
        private int completionsLeft;
        /** For the report: how far the search got, and the completion it could not pass there. */
        private int deepest = -1;
        private Entry stuckAt;
        private BookModel stuckState;

        Search(List<Operation> ops, boolean unknownsWereApplied) {
            this.ops = ops;
            List<Entry> entries = new ArrayList<>();
            for (int i = 0; i < ops.size(); i++) {
                Operation o = ops.get(i);
                Entry call = new Entry(i, o, o.invokeNs(), true);
                entries.add(call);
                if (o.result() != Result.UNKNOWN || unknownsWereApplied) {
                    long end = o.result() == Result.UNKNOWN ? Long.MAX_VALUE : o.completeNs();
                    call.match = new Entry(i, o, end, false);
                    entries.add(call.match);
                    completionsLeft++;
                }
            }
            // Invocations before completions at the same instant: operations that touch in time count as concurrent.
            entries.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> !e.call));
            Entry last = head;
            for (Entry e : entries) {
                last.next = e;
                e.prev = last;
                last = e;
            }
        }

        /** Null when linearizable, else why not, with the offending window. */
        String run() {
            BitSet linearized = new BitSet(ops.size());
            Set<Memo> seen = new HashSet<>();
            Deque<Choice> choices = new ArrayDeque<>();
            BookModel state = BookModel.ON_SHELF;
            Entry entry = head.next;
            while (completionsLeft > 0) {
                if (entry != null && entry.call) {
                    BookModel next = state.step(entry.op.op(), entry.op.user(), resultOf(entry));
                    BitSet after = null;
                    if (next != null) {
                        after = (BitSet) linearized.clone();
                        after.set(entry.id);
                    }
                    if (after != null && seen.add(new Memo(after, next))) {
                        if (seen.size() > MAX_STATES) {
                            return "not decided: the search visited more than " + MAX_STATES + " states";
                        }
                        choices.push(new Choice(entry, state));
                        state = next;
                        linearized.set(entry.id);
                        lift(entry);
                        entry = head.next;
                    } else {
                        entry = entry.next;
                    }
                } else {
                    if (choices.size() > deepest && entry != null) {
                        deepest = choices.size();
                        stuckAt = entry;
                        stuckState = state;
                    }
                    if (choices.isEmpty()) {
                        return window();
                    }
                    Choice last = choices.pop();
                    state = last.stateBefore;
                    linearized.clear(last.call.id);
                    unlift(last.call);
                    entry = last.call.next;
                }
            }
            return null;
        }

        /** What the model must answer: an unknown operation, when it takes effect, was applied. */
        private static Result resultOf(Entry call) {
            return call.op.result() == Result.UNKNOWN ? Result.OK : call.op.result();
        }

        private void lift(Entry call) {
            remove(call);
            if (call.match != null) {
                remove(call.match);
                completionsLeft--;
            }
        }

        private void unlift(Entry call) {
            if (call.match != null) {
                insert(call.match);
                completionsLeft++;
            }
            insert(call);
        }

        private static void remove(Entry e) {
            e.prev.next = e.next;
            if (e.next != null) {
                e.next.prev = e.prev;
            }
        }

        private static void insert(Entry e) {
            e.prev.next = e;
            if (e.next != null) {
                e.next.prev = e;
            }
        }

        /** The operation that completed before it could take effect, and the operations that overlap it. */
        private String window() {
            Operation stuck = stuckAt.op;
            List<Operation> around = ops.stream()
                    .filter(o -> o != stuck && o.invokeNs() <= stuck.completeNs() && endOf(o) >= stuck.invokeNs())
                    .sorted(Comparator.comparingLong(Operation::invokeNs)).limit(WINDOW - 1).toList();
            return "not linearizable: after " + deepest + " operations in order (the book " + stuckState
                    + "), " + stuck.describe() + " cannot take effect; the window: " + around.stream()
                    .map(Operation::describe).collect(Collectors.joining("; ", "[", "]"));
        }

        private static long endOf(Operation o) {
            return o.result() == Result.UNKNOWN ? Long.MAX_VALUE : o.completeNs();
        }
    }
}
