package shelf.events;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a node's events to its file off the protocol thread: {@link #record} only offers the event to a bounded queue
 * (never blocks, never wakes anyone); one daemon thread wakes every {@value #INTERVAL_MS} ms, takes everything queued,
 * and appends it in one write. Waking the writer for each event would cost the protocol thread more than the write
 * (as an asynchronous log appender does; BENCHMARKS.md). When the queue is full the event is dropped and counted, and
 * one log line says how many were dropped (at most one such line every {@value #DROP_NOTE_MS} ms).
 *
 * <p>Bounded on disk: when the file reaches half of {@code maxBytes} it becomes {@code <file>.1} (replacing the older
 * one) and a new file starts, so a node keeps at most {@code maxBytes} of events, the most recent ones.
 *
 * <p>A write that fails (a full disk, say) loses its events, not the recording: the file is cut back to its last whole
 * line and closed, the events that come meanwhile are counted as lost, and every {@value #RETRY_MS} ms the file is
 * opened again and written to. One log line when the failure begins, one when the file is written again.
 */
public final class EventFileWriter implements EventSink {
    private static final Logger log = LoggerFactory.getLogger(EventFileWriter.class);
    /** How often the writer wakes: short enough that a dashboard sees events live, long enough to batch them. */
    static final long INTERVAL_MS = 50;
    /** Events queued at most: a few seconds of the busiest lock benchmark. */
    static final int CAPACITY = 65_536;
    private static final long DROP_NOTE_MS = 10_000;
    /** How long the writer waits after a failed write before it tries the file again. */
    static final long RETRY_MS = 1_000;

    private final String me;
    private final Path file;
    private final int capacity;
    private final long maxFileBytes;
    private final BlockingQueue<Event> queue;
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream(1 << 16);
    /** Events taken off the queue and written, or lost to a failed write: what {@link #flush} waits for. */
    private volatile long handled;
    private volatile boolean closed;
    private FileChannel channel;
    private long size;
    private long droppedNoted;
    private long lastDropNote;
    /** Whether the last write failed; then {@code channel} is closed until {@code retryAt} (nanoTime). */
    private boolean failing;
    private long retryAt;
    private volatile long lost;
    private long lostBefore;

    /**
     * Opens (appending) the events file {@code file} of node {@code me}, keeping at most {@code maxBytes} on disk in it
     * and its rotated copy, with a queue of {@code capacity} events.
     */
    public EventFileWriter(String me, Path file, long maxBytes, int capacity) throws IOException {
        this.me = me;
        this.file = file;
        this.maxFileBytes = Math.max(1, maxBytes / 2);
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        open();
        this.thread = new Thread(this::run, me.replace(' ', '-') + "-events");
        thread.setDaemon(true);
        thread.start();
    }

    public EventFileWriter(String me, Path file, long maxBytes) throws IOException {
        this(me, file, maxBytes, CAPACITY);
    }

    private void open() throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = channel.size();
    }

    @Override
    public void record(Event e) {
        if (queue.offer(e)) {
            recorded.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    /** Events dropped so far because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void flush(long timeoutMs) {
        long target = recorded.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        LockSupport.unpark(thread);
        while (handled < target && System.nanoTime() < deadline && thread.isAlive()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Events lost so far because the file could not be written. */
    public long lost() {
        return lost;
    }

    private void run() {
        List<Event> events = new ArrayList<>();
        try {
            while (!closed) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS));
                writeQueued(events);
            }
            writeQueued(events);
        } catch (RuntimeException e) {
            log.warn("{}: events file {} cannot be written ({}); no more events are recorded", me, file, e.toString());
        } finally {
            closeChannel();
        }
    }

    private void writeQueued(List<Event> events) {
        noteDrops();
        while (queue.drainTo(events, 4096) > 0) {
            if (writable()) {
                write(events);
            } else {
                lost += events.size();
            }
            handled += events.size();
            events.clear();
        }
    }

    private void write(List<Event> events) {
        try {
            batch.reset();
            encode(events, batch);
            ByteBuffer bytes = ByteBuffer.wrap(batch.toByteArray());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            writeFailed(e, events.size());
            return;
        }
        size += batch.size();
        if (failing) {
            failing = false;
            log.info("{}: events file {} is written again; {} events were lost while it could not be", me, file,
                    lost - lostBefore);
        }
        if (size >= maxFileBytes) {
            try {
                rotate();
            } catch (IOException e) {
                writeFailed(e, 0);
            }
        }
    }

    /** Whether the file can be written: open, or opened again once {@value #RETRY_MS} ms have passed since a failure. */
    private boolean writable() {
        if (channel != null) {
            return true;
        }
        if (System.nanoTime() - retryAt < 0) {
            return false;
        }
        try {
            open();
            return true;
        } catch (IOException e) {
            retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MS);
            return false;
        }
    }

    private void writeFailed(IOException e, int events) {
        if (!failing) {
            failing = true;
            lostBefore = lost;
            log.warn("{}: events file {} cannot be written ({}); its events are lost until it can be, tried every {} ms",
                    me, file, e.getMessage() == null ? e.toString() : e.getMessage(), RETRY_MS);
        }
        lost += events;
        try {
            if (channel != null) {
                channel.truncate(size); // a batch written in part would leave half a line
            }
        } catch (IOException ignored) {
            // a file that cannot be cut is read past its torn line (EventReader)
        }
        closeChannel();
        retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MS);
    }

    private void closeChannel() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing after a failed write: nothing more to say
        }
        channel = null;
    }

    /** Appends {@code events} to {@code out}, each as one line of JSON. */
    static void encode(List<Event> events, ByteArrayOutputStream out) throws IOException {
        try (JsonGenerator json = EventJson.generator(out)) {
            for (Event e : events) {
                EventJson.write(e, json);
                json.writeRaw('\n');
            }
        }
    }

    private void rotate() throws IOException {
        closeChannel();
        Files.move(file, EventFiles.rotated(file), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private void noteDrops() {
        long now = System.currentTimeMillis();
        long total = dropped.get();
        if (total > droppedNoted && now - lastDropNote >= DROP_NOTE_MS) {
            log.warn("{}: dropped {} events (the events queue of {} was full); the events file misses them", me,
                    total - droppedNoted, capacity);
            droppedNoted = total;
            lastDropNote = now;
        }
    }
}
