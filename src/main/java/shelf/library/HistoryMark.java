package shelf.library;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.util.AtomicFiles;

/**
 * The history's durable high-water mark, {@code history.mark}: a record number such that every record up to it was
 * fsynced. It lets a store tell a torn write (a bad last record beyond the mark: never acknowledged, cut off) from
 * damage to an acknowledged record (at or below the mark: an error, nothing cut), and notice records that are
 * missing (a history that ends before the mark).
 *
 * <p>It lives in a file of its own, where a torn tail of the history cannot reach it. The file has two slots of
 * {@value #SLOT} bytes, {@code <19-digit number> <CRC-32 of the digits, 8 hex digits>\n}; a write replaces the slot
 * that does not hold the current value and is fdatasynced, so a crash in the middle of a write leaves the other slot,
 * the previous value, intact (one fsync, no rename). The value is the larger of the valid slots.
 *
 * <p>Several nodes share the file: a write takes its OS file lock and writes {@code max(current, new)}, so the mark
 * only ever moves forward, whichever node is slower. It may lag behind the durable history (it is advanced after
 * each fsync of the history, off the answers' path, at most every {@value #MIN_INTERVAL_MS} ms), never run ahead of
 * it; closing a store writes the last value it asked for.
 *
 * <p>Thread-safe. {@link #advance} returns at once; the write happens on a shared background thread, and writes
 * requested while one is queued are coalesced into one.
 */
final class HistoryMark implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HistoryMark.class);

    /** The bytes of one slot: 19 digits, a space, 8 hex digits, a newline, padding. */
    static final int SLOT = 32;
    private static final int DIGITS = 19;
    private static final int TEXT = DIGITS + 1 + 8 + 1;
    private static final long LOCK_WAIT_MS = 3_000;
    /** Stores of one JVM (tests run several nodes in one) serialize here before taking the OS file lock. */
    private static final ConcurrentMap<Path, Object> IN_PROCESS = new ConcurrentHashMap<>();
    /**
     * Under load a store writes the mark at most this often: a write is an fdatasync beside the history's, and one per
     * batch would double a busy node's flushes. An idle store writes it at once after its fsync.
     */
    static final long MIN_INTERVAL_MS = 50;
    private static final ScheduledExecutorService WRITER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "history-mark-writer");
        t.setDaemon(true);
        return t;
    });

    private final Path path;
    private final FileChannel channel;
    private final Object inProcess;
    private final String who;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicBoolean queued = new AtomicBoolean();
    /** When the last write began ({@link System#nanoTime}), written by the writer thread. */
    private volatile long lastWrite = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(MIN_INTERVAL_MS);
    /** The highest value this process has read from or written to the file. */
    private volatile long known;
    private boolean closed;

    private HistoryMark(Path path, FileChannel channel, String who) {
        this.path = path;
        this.channel = channel;
        this.inProcess = IN_PROCESS.computeIfAbsent(path.toAbsolutePath().normalize(), p -> new Object());
        this.who = who;
    }

    /**
     * Opens (creating it when missing: a library of an earlier version, whose mark is 0) and reads the mark.
     *
     * @throws StoreException when the file cannot be opened, or holds no valid slot
     */
    static HistoryMark open(Path path, String who) throws StoreException {
        boolean existed = Files.exists(path);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (!existed) {
                syncDirectory(path);
            }
        } catch (IOException e) {
            throw new StoreException(path + ": cannot open: " + e.getMessage(), e);
        }
        HistoryMark mark = new HistoryMark(path, channel, who);
        try {
            mark.read();
        } catch (StoreException e) {
            mark.close();
            throw e;
        }
        return mark;
    }

    /** The highest value this process knows to be in the file (no I/O): a lower bound of the durable history. */
    long known() {
        return known;
    }

    /**
     * Reads the file: the durable high-water mark, 0 when the file is empty.
     *
     * @throws StoreException when the file cannot be read or has content but no valid slot
     */
    long read() throws StoreException {
        synchronized (this) {
            synchronized (inProcess) {
                // Shared with other readers; without the lock (a paused node holds it) a slot being written fails its
                // checksum and the other slot, the previous value, is read.
                try {
                    FileLock lock = lock(true);
                    long value;
                    try {
                        value = readSlots().max();
                    } finally {
                        if (lock != null) {
                            lock.release();
                        }
                    }
                    known = Math.max(known, value);
                    return value;
                } catch (IOException e) {
                    throw new StoreException(path + ": cannot read: " + e.getMessage(), e);
                }
            }
        }
    }

    /** The OS file lock, or null when another process holds it for over {@value #LOCK_WAIT_MS} ms (a paused node). */
    private FileLock lock(boolean shared) throws IOException, StoreException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOCK_WAIT_MS);
        while (true) {
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, shared);
            if (lock != null || System.nanoTime() > deadline) {
                return lock;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while waiting for " + path);
            }
        }
    }

    /**
     * Asks for the mark to be advanced to {@code seq}, which must be durable; returns at once. The write happens on
     * the writer thread, at once or {@value #MIN_INTERVAL_MS} ms after the previous one began, whichever is later.
     */
    void advance(long seq) {
        requested.accumulateAndGet(seq, Math::max);
        if (seq > known && queued.compareAndSet(false, true)) {
            long wait = lastWrite + TimeUnit.MILLISECONDS.toNanos(MIN_INTERVAL_MS) - System.nanoTime();
            WRITER.schedule(this::drain, Math.max(0, wait), TimeUnit.NANOSECONDS);
        }
    }

    private void drain() {
        queued.set(false); // an advance from now on queues another drain
        lastWrite = System.nanoTime();
        try {
            write(requested.get());
        } catch (StoreException e) {
            log.warn("{}: could not advance {} to record {} (it lags behind the history until a later write succeeds): {}",
                    who, path, requested.get(), e.getMessage());
        }
    }

    /**
     * Advances the mark to {@code seq} now, unless the file already holds as much: under the OS file lock it writes
     * {@code max(current, seq)} into the slot that does not hold the current value, and fdatasyncs.
     */
    synchronized void write(long seq) throws StoreException {
        if (closed || seq <= known) {
            return;
        }
        synchronized (inProcess) {
            try (FileLock lock = lock(false)) {
                if (lock == null) {
                    throw new StoreException(path + " is locked by another process for over " + LOCK_WAIT_MS
                            + " ms (a paused node?)");
                }
                Slots slots = readSlots();
                long current = slots.max();
                if (seq > current) {
                    int slot = slots.next();
                    ByteBuffer buf = ByteBuffer.wrap(encode(seq));
                    long pos = (long) slot * SLOT;
                    while (buf.hasRemaining()) {
                        pos += channel.write(buf, pos);
                    }
                    channel.force(false);
                }
                known = Math.max(known, Math.max(seq, current));
            } catch (IOException e) {
                throw new StoreException(path + ": cannot write: " + e.getMessage(), e);
            }
        }
    }

    /** Writes what was asked for and not yet written, then closes the file. */
    @Override
    public void close() {
        try {
            write(requested.get());
        } catch (StoreException e) {
            log.warn("{}: could not advance {} to record {} on close: {}", who, path, requested.get(), e.getMessage());
        }
        synchronized (this) {
            closed = true;
            synchronized (inProcess) { // closing a file may release every lock this process holds on it
                try {
                    channel.close();
                } catch (IOException e) {
                    log.warn("{}: closing {}: {}", who, path, e.getMessage());
                }
            }
        }
    }

    // ---- the file format ----

    /** The slots' values; -1 for a slot that is empty or damaged. */
    private record Slots(long first, long second) {
        long max() {
            return Math.max(0, Math.max(first, second));
        }

        /** The slot a new value goes to: the second when the first holds the current value, else the first. */
        int next() {
            return first >= 0 && first >= second ? 1 : 0;
        }
    }

    private Slots readSlots() throws IOException, StoreException {
        ByteBuffer buf = ByteBuffer.allocate(2 * SLOT);
        while (buf.hasRemaining() && channel.read(buf, buf.position()) > 0) {
            // reads until both slots or the end of the file
        }
        byte[] bytes = buf.array();
        int length = buf.position();
        long first = decode(bytes, 0, length);
        long second = decode(bytes, SLOT, length);
        boolean empty = allZero(bytes, length);
        if (first < 0 && second < 0 && !empty) {
            throw new LibraryCorruptException(path + ": damaged (no valid record number in it). It says up to which record"
                    + " the history is durable; if the history is intact, delete the file and it is written afresh");
        }
        return new Slots(first, second);
    }

    private static boolean allZero(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    static byte[] encode(long seq) {
        String digits = String.format(Locale.US, "%0" + DIGITS + "d", seq);
        String sum = String.format(Locale.US, "%08x", crc(digits.getBytes(StandardCharsets.US_ASCII), 0));
        return (digits + " " + sum + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The value in the slot at {@code start}, or -1 when it is empty, cut short or fails its checksum. */
    private static long decode(byte[] bytes, int start, int length) {
        if (start + TEXT > length || bytes[start + DIGITS] != ' ' || bytes[start + TEXT - 1] != '\n') {
            return -1;
        }
        try {
            long value = Long.parseLong(new String(bytes, start, DIGITS, StandardCharsets.US_ASCII));
            long sum = Long.parseLong(new String(bytes, start + DIGITS + 1, 8, StandardCharsets.US_ASCII), 16);
            return value >= 0 && sum == crc(bytes, start) ? value : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long crc(byte[] bytes, int start) {
        CRC32 crc = new CRC32();
        crc.update(bytes, start, DIGITS);
        return crc.getValue();
    }

    /** Makes a new file's name durable: fsync of its folder (where the platform allows opening one). */
    static void syncDirectory(Path file) throws IOException {
        AtomicFiles.syncDirectory(file);
    }
}
