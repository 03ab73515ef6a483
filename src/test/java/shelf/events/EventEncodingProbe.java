package shelf.events;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the events writer spends per event, in one warm JVM:
 * {@code java -cp target/shelf.jar:target/test-classes shelf.events.EventEncodingProbe [ROUNDS]}. Encodes a batch of
 * 4,096 events like a coordinator's under the lock benchmark (a five-node vector clock, a message id, a token, about 40
 * events per millisecond) 100 times per round, as {@link EventFileWriter} does every 50 ms, and prints each round's
 * nanoseconds per event and bytes per event.
 */
public final class EventEncodingProbe {
    private static final int BATCH = 4096;
    private static final int PER_ROUND = 100;

    private EventEncodingProbe() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        List<Event> events = lockCycleEvents();
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        for (int round = 1; round <= rounds; round++) {
            long started = System.nanoTime();
            for (int i = 0; i < PER_ROUND; i++) {
                out.reset();
                EventFileWriter.encode(events, out);
            }
            double perEvent = (System.nanoTime() - started) / (double) (PER_ROUND * BATCH);
            System.out.printf(Locale.US,
                    "round %d: %.0f ns per event, %d bytes per event%n", round, perEvent, out.size() / BATCH);
        }
    }

    private static List<Event> lockCycleEvents() {
        Clocks clocks = new Clocks(List.of(1, 2, 3, 4, 5), 5);
        long ms = 1_796_065_200_123L;
        List<Event> events = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            clocks.tick();
            if (i % 3 == 0) {
                clocks.receive(i, new long[] {i, i / 2, i / 3, i / 4, i});
            }
            events.add(new Event(ms + i / 40, 5, clocks.lamport(), clocks.snapshot(),
                    i % 2 == 0 ? Event.Kind.SEND : Event.Kind.RECV, "LOCK_GRANT", 1 + i % 4, "5-" + i, 12, "12:" + i,
                    i % 3 == 0 ? "request " + i : null));
        }
        return events;
    }
}
