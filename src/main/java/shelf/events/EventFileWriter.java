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
 */
public final class EventFileWriter implements EventSink {
    private static final Logger log = LoggerFactory.getLogger(EventFileWriter.class);
    /** How often the writer wakes: short enough that a dashboard sees events live, long enough to batch them. */
    static final long INTERVAL_MS = 50;
    /** Events queued at most: a few seconds of the busiest lock benchmark. */
    static final int CAPACITY = 65_536;
    private static final long DROP_NOTE_MS = 10_000;

    private final String me;
    private final Path file;
    private final int capacity;
    private final long maxFileBytes;
    private final BlockingQueue<Event> queue;
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream(1 << 16);
    private volatile long written;
    private volatile boolean closed;
    private FileChannel channel;
    private long size;
    private long droppedNoted;
    private long lastDropNote;

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
        while (written < target && System.nanoTime() < deadline && thread.isAlive()) {
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

    private void run() {
        List<Event> events = new ArrayList<>();
        try {
            while (!closed) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS));
                writeQueued(events);
            }
            writeQueued(events);
        } catch (IOException | RuntimeException e) {
            log.warn("{}: events file {} cannot be written ({}); no more events are recorded", me, file, e.toString());
        } finally {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing after a failed write: nothing more to say
            }
        }
    }

    private void writeQueued(List<Event> events) throws IOException {
        noteDrops();
        while (queue.drainTo(events, 4096) > 0) {
            batch.reset();
            encode(events, batch);
            ByteBuffer bytes = ByteBuffer.wrap(batch.toByteArray());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            size += batch.size();
            written += events.size();
            events.clear();
            if (size >= maxFileBytes) {
                rotate();
            }
        }
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
        channel.close();
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
