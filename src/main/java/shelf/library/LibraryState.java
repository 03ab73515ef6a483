package shelf.library;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import shelf.fencing.FencingToken;

/**
 * The library's current state and its rules, in plain Java: the catalogue, who has which book until
 * when, and the outcomes of recent requests (so a retried request id answers as the first time did).
 *
 * <p>Not thread-safe: the store owns one and guards it. State changes only by {@link #apply}, the
 * same method that replays the history, so replaying the history always gives the current state; a
 * store's writes go through {@link #append}, which decides each command and applies what it decided.
 */
public final class LibraryState {
    /** How many recent request ids are remembered for de-duplicating retries. */
    static final int REMEMBERED_REQUESTS = 100_000;

    private final NavigableMap<Integer, CatalogEntry> catalog;
    private final Map<Integer, Loan> loans = new HashMap<>();
    private final RecentRequests recentRequests = new RecentRequests(REMEMBERED_REQUESTS);
    private long lastSeq;
    private FencingToken highestToken = FencingToken.NONE;
    /** The node that wrote the last record, with {@link #highestToken}. */
    private int highestTokenNode;

    private record Loan(String user, LocalDate due) {
    }

    /** What the rules say of a command: a change to record, or an answer without a change. */
    public sealed interface Decision {
        /** The command is allowed: record this change. */
        record Change(Op op, int bookId, String user, LocalDate due) implements Decision {
        }

        /** Refused by the rules, or a retry of a request already applied. */
        record Answer(Outcome outcome) implements Decision {
        }
    }

    /**
     * What {@link #append} did with a batch.
     *
     * @param records  the history records it added, in order, for the store to persist
     * @param outcomes one per command, in the order of the commands
     */
    public record Appended(List<HistoryRecord> records, List<Outcome> outcomes) {
    }

    /**
     * A library of {@code entries} with no loans.
     *
     * @throws IllegalArgumentException when the entries are not a valid catalogue (two books with one id, an id
     *                                  below 1, a book without a title): the entry is named
     */
    public LibraryState(List<CatalogEntry> entries) {
        String problem = LibraryFiles.problem(entries);
        if (problem != null) {
            throw new IllegalArgumentException("not a valid catalogue: " + problem);
        }
        this.catalog = new TreeMap<>();
        for (CatalogEntry e : entries) {
            catalog.put(e.id(), e);
        }
    }

    /**
     * A store's write, the same for every store (DESIGN §3): the fencing check, then for each command in turn the
     * rules' {@link #decide decision} on the day of {@code now} (UTC), the history record a change makes (stamped
     * {@code now}, {@code node} and {@code token}), applied to this state, and the client's outcome.
     *
     * <p>Called by one writer at a time (under the store's writers' lock), on the state caught up with the whole
     * history. The caller persists the records in order; if it cannot, this state is ahead of the history and must
     * be replayed afresh.
     *
     * @throws StaleTokenException when {@code token} is fenced off; nothing is applied
     */
    public Appended append(FencingToken token, int node, List<Command> commands, Instant now, int loanDays)
            throws StaleTokenException {
        if (fencedOff(token, node, highestToken, highestTokenNode)) {
            throw new StaleTokenException(token, highestToken);
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<HistoryRecord> records = new ArrayList<>(commands.size());
        List<Outcome> outcomes = new ArrayList<>(commands.size());
        for (Command c : commands) {
            Decision decision = decide(c, today, loanDays);
            if (decision instanceof Decision.Answer answer) {
                outcomes.add(answer.outcome());
            } else if (decision instanceof Decision.Change change) {
                HistoryRecord r = new HistoryRecord(lastSeq + 1, now, change.op(), change.bookId(), change.user(), node,
                        token, change.due(), c.requestId());
                apply(r);
                records.add(r);
                outcomes.add(new Outcome(true, describe(r), book(r.bookId())));
            }
        }
        return new Appended(records, outcomes);
    }

    /**
     * The fencing rule, for every store: a write with a token below the highest accepted ({@code highest}, written by
     * {@code highestNode}), or with the same token from another node, comes from a lapsed lease.
     */
    public static boolean fencedOff(FencingToken token, int node, FencingToken highest, int highestNode) {
        return token.isBelow(highest) || token.equals(highest) && highestNode != node;
    }

    /** The library's rules (DESIGN §1), for a command on {@code today} with loans of {@code loanDays}. */
    public Decision decide(Command c, LocalDate today, int loanDays) {
        RecentRequests.Change earlier = recentRequests.find(c.requestId());
        if (earlier != null) {
            return new Decision.Answer(new Outcome(true, describe(earlier.op(), earlier.bookId(), earlier.user(), earlier.due())
                    + " (request already applied)", book(earlier.bookId())));
        }
        CatalogEntry entry = catalog.get(c.bookId());
        if (entry == null) {
            return refuse("unknown book " + c.bookId() + " (the library has books " + idRange() + ")", null);
        }
        return decideFor(c, loans.get(c.bookId()), book(c.bookId()), today, loanDays);
    }

    /** The rules for a known book, on loan ({@code loan}) or not (null). */
    private static Decision decideFor(Command c, Loan loan, Book book, LocalDate today, int loanDays) {
        return switch (c.op()) {
            case BORROW -> loan == null
                    ? new Decision.Change(Op.BORROW, c.bookId(), c.user(), today.plusDays(loanDays))
                    : refuse("book " + c.bookId() + " is already on loan" + (loan.user.equals(c.user()) ? " to you" : ""), book);
            case RETURN -> loan != null && loan.user.equals(c.user())
                    ? new Decision.Change(Op.RETURN, c.bookId(), c.user(), null)
                    : refuse(notYours(c, loan), book);
            case RENEW -> loan != null && loan.user.equals(c.user())
                    ? new Decision.Change(Op.RENEW, c.bookId(), c.user(), later(loan.due, today).plusDays(loanDays))
                    : refuse(notYours(c, loan), book);
            case FENCE -> refuse("FENCE is an operator's record, not a client's operation", book);
        };
    }

    private static LocalDate later(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    private static String notYours(Command c, Loan loan) {
        return loan == null ? "book " + c.bookId() + " is not on loan" : "book " + c.bookId() + " is not on loan to you";
    }

    private static Decision refuse(String message, Book book) {
        return new Decision.Answer(new Outcome(false, message, book));
    }

    /**
     * Applies one history record. Used both for new changes and for replay; a record the rules
     * would not allow means the history is inconsistent.
     *
     * @throws IllegalStateException naming the record, when the history contradicts itself
     */
    public void apply(HistoryRecord r) {
        if (r.seq() != lastSeq + 1) {
            throw new IllegalStateException("record " + r.seq() + " follows record " + lastSeq);
        }
        if (r.op() == Op.FENCE) {
            // Fencing repair: the operator's record sets the fence to its token, below earlier tokens if it must be.
            highestToken = r.token();
            highestTokenNode = r.node();
            lastSeq = r.seq();
            return;
        }
        if (!catalog.containsKey(r.bookId())) {
            throw new IllegalStateException("record " + r.seq() + " names book " + r.bookId()
                    + ", which is not in the catalogue");
        }
        Loan loan = loans.get(r.bookId());
        switch (r.op()) {
            case BORROW -> {
                if (loan != null) {
                    throw new IllegalStateException("record " + r.seq() + " lends book " + r.bookId()
                            + " which is on loan to " + loan.user);
                }
                loans.put(r.bookId(), new Loan(r.user(), r.due()));
            }
            case RENEW -> {
                requireBorrower(r, loan);
                loans.put(r.bookId(), new Loan(r.user(), r.due()));
            }
            case RETURN -> {
                requireBorrower(r, loan);
                loans.remove(r.bookId());
            }
            default -> throw new IllegalStateException("record " + r.seq() + " has op " + r.op()); // FENCE: above
        }
        FencingToken token = r.token();
        if (token.isBelow(highestToken)) {
            throw new IllegalStateException("record " + r.seq() + " has token " + token + " below an earlier " + highestToken);
        }
        highestToken = token;
        highestTokenNode = r.node();
        lastSeq = r.seq();
        if (r.requestId() != null) {
            recentRequests.remember(r.requestId(), r.op(), r.bookId(), r.user(), r.due());
        }
    }

    private static void requireBorrower(HistoryRecord r, Loan loan) {
        if (loan == null || !loan.user.equals(r.user())) {
            throw new IllegalStateException("record " + r.seq() + " is a " + r.op() + " of book " + r.bookId()
                    + " by " + r.user() + ", who does not have it");
        }
    }

    /**
     * An operator's repair of the fence (DESIGN §3 fencing): the FENCE record that sets the fence to {@code to}, applied
     * to this state; the caller persists it. Called as {@link #append} is: one writer at a time, on a state caught up.
     *
     * @param operator the operator's identity, kept in the record
     */
    public HistoryRecord repairFence(FencingToken to, int node, String operator, Instant now) {
        HistoryRecord r = new HistoryRecord(lastSeq + 1, now, Op.FENCE, 0, operator, node, to, null, null);
        apply(r);
        return r;
    }

    /** A one-sentence description of a change, for the client. */
    public static String describe(HistoryRecord r) {
        return describe(r.op(), r.bookId(), r.user(), r.due());
    }

    private static String describe(Op op, int bookId, String user, LocalDate due) {
        return switch (op) {
            case BORROW -> user + " borrowed book " + bookId + ", due " + due;
            case RETURN -> user + " returned book " + bookId;
            case RENEW -> user + " renewed book " + bookId + ", now due " + due;
            case FENCE -> user + " repaired the fence";
        };
    }

    public Book book(int id) {
        CatalogEntry entry = catalog.get(id);
        if (entry == null) {
            return null;
        }
        Loan loan = loans.get(id);
        return loan == null ? Book.onShelf(entry) : Book.onShelf(entry).lentTo(loan.user, loan.due);
    }

    public List<Book> books() {
        List<Book> all = new ArrayList<>(catalog.size());
        for (int id : catalog.keySet()) {
            all.add(book(id));
        }
        return all;
    }

    /** Up to {@code limit} books with an id above {@code afterId}, by id, and whether more follow. */
    public Page<Book> books(int afterId, int limit) {
        List<Book> page = new ArrayList<>(Math.min(limit, catalog.size()));
        for (int id : catalog.tailMap(afterId, false).keySet()) {
            if (page.size() == limit) {
                return new Page<>(page, true);
            }
            page.add(book(id));
        }
        return new Page<>(page, false);
    }

    /** The books on loan to {@code user}, by id: found among the loans, not the whole catalogue. */
    public List<Book> loansOf(String user) {
        return loans.entrySet().stream().filter(e -> user.equals(e.getValue().user))
                .sorted(Map.Entry.comparingByKey()).map(e -> book(e.getKey())).toList();
    }

    public int size() {
        return catalog.size();
    }

    public long lastSeq() {
        return lastSeq;
    }

    public FencingToken highestToken() {
        return highestToken;
    }

    private String idRange() {
        return catalog.isEmpty() ? "none" : catalog.firstKey() + ".." + catalog.lastKey();
    }
}
