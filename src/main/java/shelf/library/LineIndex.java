package shelf.library;

import java.util.Arrays;

/**
 * Where every {@value #STRIDE}th line of the history starts, so that a page of it is read from at most
 * {@value #STRIDE} lines before its first record instead of from the beginning: a sparse index of line number
 * (= sequence number) to byte offset, eight bytes per {@value #STRIDE} records (a million records: 8 KB).
 *
 * <p>Not thread-safe: the store fills it as it follows the log, and reads it, under its monitor.
 */
final class LineIndex {
    static final int STRIDE = 1024;

    /** {@code starts[i]}: the byte offset of line {@code i * STRIDE + 1}. */
    private long[] starts = new long[16];
    private int size;

    /** Notes where line {@code number} (1-based) starts; lines are noted in order, each once. */
    void noteLine(long number, long start) {
        if ((number - 1) % STRIDE != 0) {
            return;
        }
        if ((number - 1) / STRIDE != size) {
            throw new IllegalStateException("line " + number + " noted out of order (" + size + " lines indexed)");
        }
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
        }
        starts[size++] = start;
    }

    /** Forgets every line (the history is replayed from the start). */
    void clear() {
        size = 0;
    }

    /**
     * Where to start reading to reach line {@code number} (1 or more): the indexed line at or before it, as the number
     * of the line before it ({@link #lineBefore}) and its offset ({@link #start}); from the file's start when no line
     * before it is indexed.
     */
    int slotFor(long number) {
        return (int) Math.min((number - 1) / STRIDE, size - 1L);
    }

    long lineBefore(int slot) {
        return slot < 0 ? 0 : (long) slot * STRIDE;
    }

    long start(int slot) {
        return slot < 0 ? 0 : starts[slot];
    }
}
