package shelf.library;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * The changes made by the last {@code capacity} requests, found by request id, so that a retried request
 * is answered as its first attempt was instead of being applied twice. The oldest is forgotten first.
 *
 * <p>Kept compact because every node keeps the whole window in a 64 MB heap: a request id in the form the
 * clients send (a lowercase UUID) is two longs, the change an op, a book, a day and a shared user name, in
 * parallel arrays, found through an open-addressing index (linear probing, deletion by backward shift).
 * A map of the history records would take about six times the memory, a large part of a node's heap, and lengthen
 * every young collection (the measured sizes are in BENCHMARKS.md, "Figures behind design choices").
 *
 * <p>Any other id (up to 100 characters of anything) is kept as its string and compared as one, so ids are
 * never confused: a 64-bit hash only chooses where to look.
 *
 * <p>Not thread-safe: {@link LibraryState} owns one.
 */
final class RecentRequests {
    /** What is remembered of a request's change: enough to describe it again. */
    record Change(Op op, int bookId, String user, LocalDate due) {
    }

    private static final Op[] OPS = Op.values();
    private static final int NO_DUE = Integer.MIN_VALUE;
    /** User names are shared between entries through this table, emptied when it grows past this size. */
    private static final int MAX_SHARED_USERS = 4096;

    private final int capacity;
    /** A UUID id's two halves; any other id's hash in {@code high}, its text in {@code text}. */
    private final long[] high;
    private final long[] low;
    private final String[] text;
    private final byte[] ops;
    private final int[] books;
    private final String[] users;
    private final int[] dueDays;
    /** Open addressing over slots: {@code slot + 1}, or 0 for empty. At most half full. */
    private final int[] index;
    private final int mask;
    private final Map<String, String> sharedUsers = new HashMap<>();
    /** The slot the next request goes to: the oldest one once the window is full. */
    private int next;
    private int size;

    RecentRequests(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.high = new long[capacity];
        this.low = new long[capacity];
        this.text = new String[capacity];
        this.ops = new byte[capacity];
        this.books = new int[capacity];
        this.users = new String[capacity];
        this.dueDays = new int[capacity];
        this.index = new int[Integer.highestOneBit(capacity * 2 - 1) << 1];
        this.mask = index.length - 1;
    }

    /** The change request {@code id} made, if it is among the last {@code capacity} remembered; else null. */
    Change find(String id) {
        int slot = slotOf(Key.of(id));
        if (slot < 0) {
            return null;
        }
        return new Change(OPS[ops[slot]], books[slot], users[slot],
                dueDays[slot] == NO_DUE ? null : LocalDate.ofEpochDay(dueDays[slot]));
    }

    /** Remembers the change request {@code id} made, forgetting the oldest request if the window is full. */
    void remember(String id, Op op, int bookId, String user, LocalDate due) {
        Key key = Key.of(id);
        int earlier = slotOf(key); // an id applied twice (a retry older than the window) is found as the newer one
        if (earlier >= 0) {
            unindex(earlier);
        }
        if (size == capacity) {
            unindex(next);
        } else {
            size++;
        }
        int slot = next;
        next = (next + 1) % capacity;
        high[slot] = key.high;
        low[slot] = key.low;
        text[slot] = key.text;
        ops[slot] = (byte) op.ordinal();
        books[slot] = bookId;
        if (sharedUsers.size() >= MAX_SHARED_USERS) {
            sharedUsers.clear();
        }
        users[slot] = sharedUsers.computeIfAbsent(user, u -> u);
        dueDays[slot] = due == null ? NO_DUE : (int) due.toEpochDay();
        int i = home(key.high, key.low);
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = slot + 1;
    }

    int size() {
        return size;
    }

    private int home(long h, long l) {
        long x = (h ^ Long.rotateLeft(l, 32)) * 0x9E3779B97F4A7C15L;
        return (int) (x >>> 32) & mask;
    }

    private int slotOf(Key key) {
        for (int i = home(key.high, key.low); index[i] != 0; i = (i + 1) & mask) {
            if (key.matches(index[i] - 1, this)) {
                return index[i] - 1;
            }
        }
        return -1;
    }

    /** Removes {@code slot} from the index, if it is there, shifting back the entries probed past it. */
    private void unindex(int slot) {
        int i = home(high[slot], low[slot]);
        while (index[i] != 0 && index[i] != slot + 1) {
            i = (i + 1) & mask;
        }
        if (index[i] == 0) {
            return;
        }
        for (int j = (i + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
            int k = home(high[index[j] - 1], low[index[j] - 1]);
            boolean reachableWithoutI = i <= j ? i < k && k <= j : i < k || k <= j;
            if (!reachableWithoutI) {
                index[i] = index[j];
                i = j;
            }
        }
        index[i] = 0;
    }

    /** A request id as stored: a lowercase UUID as its two halves, anything else as its hash and text. */
    private record Key(long high, long low, String text) {
        static Key of(String id) {
            if (id.length() == 36 && id.charAt(8) == '-' && id.charAt(13) == '-' && id.charAt(18) == '-'
                    && id.charAt(23) == '-') {
                long a = hex(id, 0, 8);
                long b = hex(id, 9, 13);
                long c = hex(id, 14, 18);
                long d = hex(id, 19, 23);
                long e = hex(id, 24, 36);
                if ((a | b | c | d | e) >= 0) {
                    return new Key(a << 32 | b << 16 | c, d << 48 | e, null);
                }
            }
            long hash = 0xcbf29ce484222325L;
            for (int i = 0; i < id.length(); i++) {
                hash = (hash ^ id.charAt(i)) * 0x100000001b3L;
            }
            return new Key(hash, 0, id);
        }

        boolean matches(int slot, RecentRequests r) {
            return r.high[slot] == high && r.low[slot] == low
                    && (text == null ? r.text[slot] == null : text.equals(r.text[slot]));
        }

        /** The lowercase hex digits in {@code [from, to)} as a number, or -1 if any is not one. */
        private static long hex(String s, int from, int to) {
            long v = 0;
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (d < 0) {
                    return -1;
                }
                v = v << 4 | d;
            }
            return v;
        }
    }
}
