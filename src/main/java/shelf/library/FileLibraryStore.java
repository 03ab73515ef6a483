package shelf.library;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.fencing.FencingToken;

/**
 * The library kept in a shared folder: an append-only {@code history.log} of checksummed JSON lines,
 * one per change, and the state rebuilt by replaying it.
 *
 * <p>Each node holds its own instance and follows the log incrementally: before every read or
 * write it applies only the bytes appended since it last looked, so an operation costs O(1) in the
 * length of the history. Writers serialize on an OS file lock; under it the store re-reads the tail,
 * checks the fencing token against the highest one in the log and appends. The fsync comes after the lock
 * is let go ({@link #sync}), so the next holder's append overlaps this one's fsync; an fsync flushes the
 * whole file, so it also covers every earlier holder's records that a later answer may rest on.
 *
 * <p>Line format: {@code <crc32 of the JSON, 8 hex digits> <JSON>\n}; the record on line N has sequence number N.
 * What a bad line means is decided by durability, as write-ahead logs do: after each fsync the store advances the
 * durable high-water mark ({@link HistoryMark}, {@code history.mark}), the last record known to be fsynced. A last
 * line beyond the mark that is cut short or fails its checksum is a write interrupted by a crash, never acknowledged:
 * it is skipped with a warning and cut off by the next writer. A bad line at or below the mark, or one followed by
 * good ones, is damage: an error that names the file and the record, and nothing is cut. A history that ends before
 * the mark has lost acknowledged records: an error too, never a silent reset. A library without {@code history.mark}
 * (written by an earlier version) has mark 0: its last line is judged as before, and the mark is written from then on.
 */
public final class FileLibraryStore implements LibraryStore {
    private static final Logger log = LoggerFactory.getLogger(FileLibraryStore.class);

    /** Writers in one JVM (tests run several nodes in one) queue here before taking the OS file lock. */
    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final long FILE_LOCK_WAIT_MS = 3_000;
    private static final int READ_CHUNK = 1 << 20;
    /** About the length of one history line, to size a batch's write buffer. */
    private static final int TYPICAL_LINE_BYTES = 256;
    /** A line: {@code CRC_DIGITS} hex digits of the JSON's CRC-32, a space, the JSON. */
    private static final int CRC_DIGITS = 8;
    private static final int JSON_START = CRC_DIGITS + 1;

    private final LibraryFiles files;
    private final Path historyPath;
    private final FileChannel channel;
    private final HistoryMark mark;
    private final ReentrantLock writers;
    private final Clock clock;
    private final int loanDays;
    private final String who;
    private final LineIndex index = new LineIndex();
    private LibraryState state;
    private long offset;
    private long lines;
    /** The last record this store has read or written: all of it is in the file, so an fsync makes it durable. */
    private volatile long inFile;
    /** An operator's injected failure of writes or fsyncs ({@code admin store-fault}). */
    private volatile StoreFault fault = StoreFault.NONE;

    private FileLibraryStore(LibraryFiles files, FileChannel channel, HistoryMark mark, Clock clock, int loanDays, String who) {
        this.files = files;
        this.historyPath = files.history().toAbsolutePath().normalize();
        this.channel = channel;
        this.mark = mark;
        this.writers = IN_PROCESS.computeIfAbsent(historyPath, p -> new ReentrantLock());
        this.clock = clock;
        this.loanDays = loanDays;
        this.who = who;
    }

    /**
     * Opens the library in {@code dir} and replays its history; when the replay found records beyond the durable
     * mark, fsyncs them and advances the mark.
     *
     * @param who how log lines name the owner, e.g. {@code "node 3"}
     * @throws StoreException when the catalogue is missing or invalid, the history is missing, damaged, or has lost
     *                        records the mark says were durable (one line naming the file)
     */
    public static FileLibraryStore open(Path dir, Clock clock, int loanDays, String who) throws StoreException {
        LibraryFiles files = new LibraryFiles(dir);
        List<CatalogEntry> catalog = files.readCatalog();
        files.requireHistory();
        FileChannel channel;
        try {
            channel = FileChannel.open(files.history(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new StoreException(files.history() + " disappeared while opening it", e);
        } catch (IOException e) {
            throw new StoreException(files.history() + ": cannot open: " + e.getMessage(), e);
        }
        HistoryMark mark;
        try {
            mark = HistoryMark.open(files.mark(), who);
        } catch (StoreException e) {
            closeQuietly(channel);
            throw e;
        }
        FileLibraryStore store = new FileLibraryStore(files, channel, mark, clock, loanDays, who);
        store.state = new LibraryState(catalog);
        try {
            store.underFileLock(() -> {
                store.catchUp(true);
                store.requireMarkedRecords();
                return null;
            });
            store.markReplayed();
        } catch (StoreException e) {
            store.close();
            throw e;
        } catch (StaleTokenException e) {
            store.close();
            throw new IllegalStateException("opening the library checks no token", e);
        }
        log.info("{}: library {} opened: {} books, {} history records (durable up to record {}), highest token {}", who, dir,
                store.state.size(), store.state.lastSeq(), mark.known(), store.state.highestToken());
        return store;
    }

    /** Opening: every record up to the mark must be there. Called under the file lock, after the replay. */
    private void requireMarkedRecords() throws StoreException {
        long durable = mark.read();
        if (state.lastSeq() < durable) {
            throw missing(durable);
        }
    }

    private LibraryCorruptException missing(long durable) {
        return new LibraryCorruptException(historyPath + ": acknowledged records are missing: the history ends after record "
                + state.lastSeq() + " (byte " + offset + "), but " + files.mark().getFileName() + " says records up to "
                + durable + " were made durable; refusing to go on without them: restore the file from a backup"
                + " (or, to accept the loss, delete " + files.mark().getFileName() + ")");
    }

    /** Opening: records replayed beyond the mark (a node crashed before advancing it) are fsynced and marked. */
    private void markReplayed() throws StoreException {
        long replayed = state.lastSeq();
        if (replayed > mark.known()) {
            sync();
            mark.write(replayed);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("closing the history: {}", e.getMessage());
        }
    }

    @Override
    public List<Outcome> append(FencingToken token, int node, List<Command> commands) throws StaleTokenException, StoreException {
        return underFileLock(() -> {
            catchUp(true);
            LibraryState.Appended appended = state.append(token, node, commands, clock.instant(), loanDays);
            write(appended.records());
            return appended.outcomes();
        });
    }

    @Override
    public HistoryRecord repairFence(FencingToken to, int node, String operator) throws StoreException {
        HistoryRecord record;
        try {
            record = underFileLock(() -> {
                catchUp(true);
                HistoryRecord r = state.repairFence(to, node, operator, clock.instant());
                write(List.of(r));
                return r;
            });
        } catch (StaleTokenException e) {
            throw new IllegalStateException("a fence repair is never fenced off", e);
        }
        sync();
        log.warn("{}: the library's fence is now {}: history record {} by {} from node {}", who, to, record.seq(), operator,
                node);
        return record;
    }

    @Override
    public void injectFault(StoreFault fault) {
        this.fault = fault;
    }

    @Override
    public StoreFault injectedFault() {
        return fault;
    }

    /**
     * Fsyncs the history, then asks for the durable mark to be advanced to the last record this store had read or
     * written before the fsync began (the mark is written off the caller's path, see {@link HistoryMark#advance}).
     */
    @Override
    public void sync() throws StoreException {
        long upTo = inFile;
        try {
            if (fault == StoreFault.FSYNC) {
                throw new IOException("injected fsync failure (admin store-fault fsync)");
            }
            channel.force(false);
        } catch (IOException e) {
            throw new StoreException(historyPath + ": fsync failed: " + e.getMessage(), e);
        }
        mark.advance(upTo);
    }

    /** Writes the records at the end of the history, in one write when it can. Called under the file lock. */
    private void write(List<HistoryRecord> records) throws StoreException {
        if (records.isEmpty()) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(TYPICAL_LINE_BYTES * records.size());
        long[] starts = new long[records.size()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = offset + out.size();
            out.writeBytes(encode(records.get(i)));
        }
        try {
            if (fault == StoreFault.WRITE) {
                throw new IOException("injected write failure (admin store-fault write)");
            }
            ByteBuffer buf = ByteBuffer.wrap(out.toByteArray());
            long pos = offset;
            while (buf.hasRemaining()) {
                pos += channel.write(buf, pos);
            }
            offset = pos;
            for (long start : starts) {
                index.noteLine(++lines, start);
            }
            inFile = state.lastSeq();
        } catch (IOException e) {
            reload();
            throw new StoreException(historyPath + ": write failed, nothing was applied: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<Book> books() throws StoreException {
        catchUp(false);
        return state.books();
    }

    @Override
    public synchronized List<Book> loansOf(String user) throws StoreException {
        catchUp(false);
        return state.loansOf(user);
    }

    @Override
    public synchronized FencingToken highestToken() throws StoreException {
        catchUp(false);
        return state.highestToken();
    }

    @Override
    public synchronized List<HistoryRecord> history(Integer bookId) throws StoreException {
        catchUp(false);
        List<HistoryRecord> result = new ArrayList<>();
        forEachLine(0, offset, 0, (line, start, end, number) -> {
            HistoryRecord r = decode(line);
            if (r != null && (bookId == null || r.bookId() == bookId)) {
                result.add(r);
            }
            return true;
        });
        return result;
    }

    /**
     * Reads the page from the file, from the indexed line at most {@value LineIndex#STRIDE} lines before its first
     * record ({@link LineIndex}) to one record past its last: the memory of a call is that of its page.
     */
    @Override
    public synchronized Page<HistoryRecord> historyPage(Integer bookId, long afterSeq, int limit) throws StoreException {
        if (afterSeq < 0 || limit < 1) {
            throw new IllegalArgumentException("a page starts after record 0 or later and holds 1 record or more, not "
                    + afterSeq + " and " + limit);
        }
        catchUp(false);
        List<HistoryRecord> page = new ArrayList<>(Math.min(limit, LineIndex.STRIDE));
        boolean[] more = {false};
        if (afterSeq < lines) {
            int slot = index.slotFor(afterSeq + 1);
            forEachLine(index.start(slot), offset, index.lineBefore(slot), (line, start, end, number) -> {
                if (number <= afterSeq) {
                    return true;
                }
                HistoryRecord r = decode(line);
                if (r == null || bookId != null && r.bookId() != bookId) {
                    return true;
                }
                more[0] = page.size() == limit;
                if (!more[0]) {
                    page.add(r);
                }
                return !more[0];
            });
        }
        return new Page<>(page, more[0]);
    }

    @Override
    public synchronized Page<Book> booksPage(int afterId, int limit) throws StoreException {
        catchUp(false);
        return state.books(afterId, limit);
    }

    /** Closes the files; the mark is first advanced as far as this store's syncs asked. */
    @Override
    public synchronized void close() {
        mark.close();
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("{}: closing {}: {}", who, historyPath, e.getMessage());
        }
    }

    // ---- following the log ----

    /** Applies every complete record appended since the last look. Called with this store's monitor held. */
    private void catchUp(boolean mayRepair) throws StoreException {
        long size;
        try {
            size = channel.size();
        } catch (IOException e) {
            throw new StoreException(historyPath + ": cannot read: " + e.getMessage(), e);
        }
        if (size < offset) {
            log.warn("{}: {} shrank from {} to {} bytes (recreated by CreateBooks?); replaying it from the start",
                    who, historyPath, offset, size);
            reload();
            if (state.lastSeq() < mark.known()) {
                throw missing(mark.known());
            }
            return;
        }
        long fileSize = size;
        forEachLine(offset, fileSize, lines, (line, start, end, number) -> {
            HistoryRecord r = decode(line);
            if (r == null) {
                if (end + 1 < fileSize) {
                    throw new LibraryCorruptException(historyPath + " line " + number + ": corrupted record " + number
                            + " (checksum or format) followed by more records; refusing to guess."
                            + " Restore the file from a backup or move it away");
                }
                return true; // the last line: judged by the mark below
            }
            try {
                state.apply(r);
            } catch (IllegalStateException e) {
                throw new LibraryCorruptException(historyPath + " line " + number + ": " + e.getMessage());
            }
            index.noteLine(number, start);
            offset = end + 1;
            lines = number;
            return true;
        });
        inFile = state.lastSeq();
        if (offset < fileSize) {
            badTail(offset, fileSize, lines + 1, mayRepair);
        }
    }

    /**
     * The bytes after the last good record: a line that fails its checksum or is cut short. Beyond the durable mark it
     * is a torn write, never acknowledged, and a writer cuts it off; at or below the mark it is an acknowledged record,
     * damaged or cut short: an error, and nothing is cut. Readers judge by the mark they know (it only grows), writers
     * read it afresh first.
     */
    private void badTail(long start, long size, long number, boolean mayRepair) throws StoreException {
        long durable = mayRepair ? mark.read() : mark.known();
        if (number <= durable) {
            throw damagedTail(start, size, number, durable);
        }
        if (!mayRepair) {
            return;
        }
        log.warn("{}: {} line {}: skipping a torn last record ({} bytes) beyond the durable mark (record {}), left by a write"
                + " that crashed before it was acknowledged; cutting it off", who, historyPath, number, size - start, durable);
        try {
            channel.truncate(start);
            channel.force(true);
        } catch (IOException e) {
            throw new StoreException(historyPath + ": cannot cut off the torn record: " + e.getMessage(), e);
        }
    }

    private LibraryCorruptException damagedTail(long start, long size, long number, long durable) throws StoreException {
        String markName = files.mark().getFileName().toString();
        if (endsWithNewline(size)) {
            return new LibraryCorruptException(historyPath + " line " + number + ": record " + number
                    + " is damaged (checksum or format), but " + markName + " says records up to " + durable
                    + " were made durable: it was acknowledged, so it is not cut off. Restore the file from a backup");
        }
        return new LibraryCorruptException(historyPath + ": acknowledged records are missing: the history ends inside record "
                + number + " (byte " + size + "), after record " + (number - 1) + ", but " + markName + " says records up to "
                + durable + " were made durable; refusing to go on without them: restore the file from a backup"
                + " (or, to accept the loss, delete " + markName + ")");
    }

    private boolean endsWithNewline(long size) throws StoreException {
        ByteBuffer last = ByteBuffer.allocate(1);
        try {
            return size > 0 && channel.read(last, size - 1) == 1 && last.get(0) == '\n';
        } catch (IOException e) {
            throw new StoreException(historyPath + ": cannot read: " + e.getMessage(), e);
        }
    }

    private void reload() throws StoreException {
        state = new LibraryState(files.readCatalog());
        offset = 0;
        lines = 0;
        index.clear();
        catchUp(false);
    }

    private interface LineVisitor {
        /** Visits a line; returns whether to go on to the next. */
        boolean visit(byte[] line, long start, long end, long number) throws StoreException;
    }

    /**
     * Visits the newline-terminated lines in {@code [from, to)}, in order, until the visitor says stop; {@code end} is
     * the newline's position and {@code number} the 1-based line number, {@code numberBefore} being the number of the
     * line before {@code from} (0 at the file's start).
     */
    private void forEachLine(long from, long to, long numberBefore, LineVisitor visitor) throws StoreException {
        long number = numberBefore;
        byte[] carry = new byte[0];
        long pos = from;
        try {
            while (pos < to) {
                int n = (int) Math.min(READ_CHUNK, to - pos);
                ByteBuffer chunk = ByteBuffer.allocate(carry.length + n);
                chunk.put(carry);
                while (chunk.hasRemaining()) {
                    int r = channel.read(chunk, pos + chunk.position() - carry.length);
                    if (r < 0) {
                        break;
                    }
                }
                byte[] data = Arrays.copyOf(chunk.array(), chunk.position());
                long base = pos - carry.length;
                int start = 0;
                for (int i = 0; i < data.length; i++) {
                    if (data[i] == '\n') {
                        number++;
                        if (!visitor.visit(Arrays.copyOfRange(data, start, i), base + start, base + i, number)) {
                            return;
                        }
                        start = i + 1;
                    }
                }
                carry = Arrays.copyOfRange(data, start, data.length);
                pos += n;
            }
        } catch (IOException e) {
            throw new StoreException(historyPath + ": cannot read: " + e.getMessage(), e);
        }
    }

    // ---- the line format ----

    static byte[] encode(HistoryRecord r) {
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(r);
            CRC32 crc = new CRC32();
            crc.update(json);
            byte[] head = String.format(Locale.US, "%08x ", crc.getValue()).getBytes(StandardCharsets.US_ASCII);
            byte[] line = Arrays.copyOf(head, head.length + json.length + 1);
            System.arraycopy(json, 0, line, head.length, json.length);
            line[line.length - 1] = '\n';
            return line;
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + r, e);
        }
    }

    /** The record in a line, or null when the line is cut short, fails its checksum or is not a record. */
    static HistoryRecord decode(byte[] line) {
        if (line.length <= JSON_START || line[CRC_DIGITS] != ' ') {
            return null;
        }
        long expected;
        try {
            expected = Long.parseLong(new String(line, 0, CRC_DIGITS, StandardCharsets.US_ASCII), 16);
        } catch (NumberFormatException e) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(line, JSON_START, line.length - JSON_START);
        if (crc.getValue() != expected) {
            return null;
        }
        try {
            HistoryRecord r = Json.MAPPER.readValue(line, JSON_START, line.length - JSON_START, HistoryRecord.class);
            return r.op() == null || r.token() == null ? null : r;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    // ---- the writers' lock ----

    private interface Locked<T> {
        T run() throws StoreException, StaleTokenException;
    }

    private <T> T underFileLock(Locked<T> body) throws StoreException, StaleTokenException {
        try {
            if (!writers.tryLock(FILE_LOCK_WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new StoreException(historyPath + ": another writer in this process holds it for over "
                        + FILE_LOCK_WAIT_MS + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for " + historyPath);
        }
        try {
            synchronized (this) {
                try {
                    FileLock lock = lockFile();
                    try (lock) {
                        return body.run();
                    }
                } catch (IOException e) {
                    throw new StoreException(historyPath + ": file lock: " + e.getMessage(), e);
                }
            }
        } finally {
            writers.unlock();
        }
    }

    private FileLock lockFile() throws StoreException, IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FILE_LOCK_WAIT_MS);
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() > deadline) {
                throw new StoreException(historyPath + " is locked by another process for over " + FILE_LOCK_WAIT_MS
                        + " ms (a paused node?)");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while waiting for " + historyPath);
            }
        }
    }
}
