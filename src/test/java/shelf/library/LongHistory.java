package shelf.library;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import shelf.fencing.FencingToken;

/**
 * Writes a long, valid history straight into a library folder, in the store's own line format (checksums and all) and
 * with {@code history.mark} saying every record is durable: what years of lending would leave, in a second, without
 * running the lending. Records alternate BORROW and RETURN of books 1..{@code books} by one user, each with a request
 * id, as clients send them.
 */
public final class LongHistory {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private LongHistory() {
    }

    /**
     * Replaces the history of the library in {@code resources} (its catalogue must have books 1..{@code books}) with
     * {@code records} records and marks them all durable.
     */
    public static void write(Path resources, long records, int books) throws IOException {
        LibraryFiles files = new LibraryFiles(resources);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(files.history()), 1 << 16)) {
            for (long seq = 1; seq <= records; seq++) {
                out.write(FileLibraryStore.encode(record(seq, books)));
            }
        }
        LibraryFiles.writeAtomically(files.mark(), HistoryMark.encode(records));
    }

    /** Record {@code seq} of such a history: odd ones lend a book, even ones return it. */
    public static HistoryRecord record(long seq, int books) {
        long pair = (seq - 1) / 2;
        int book = (int) (pair % books) + 1;
        Instant time = START.plusSeconds(seq);
        boolean borrow = seq % 2 == 1;
        return new HistoryRecord(seq, time, borrow ? Op.BORROW : Op.RETURN, book, "reader-" + (pair % 97), 1 + (int) (seq % 5),
                new FencingToken(1, seq), borrow ? LocalDate.of(2026, 2, 1) : null, new UUID(seq, pair).toString());
    }
}
