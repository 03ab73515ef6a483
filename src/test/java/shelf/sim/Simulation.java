package shelf.sim;

import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Virtual time for the whole simulated cluster: one event queue, ordered by time and then by the
 * order events were scheduled, so a run is a pure function of its seed. Time is in microseconds;
 * nodes see milliseconds.
 */
final class Simulation {
    static final long MICROS_PER_MILLI = 1_000;

    private record Event(long at, long seq, Runnable task) {
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final Random random;
    private final long seed;
    private long nowMicros;
    private long seq;
    private Runnable afterEachEvent = () -> { };

    Simulation(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    long seed() {
        return seed;
    }

    Random random() {
        return random;
    }

    long nowMicros() {
        return nowMicros;
    }

    long nowMillis() {
        return nowMicros / MICROS_PER_MILLI;
    }

    void at(long delayMicros, Runnable task) {
        events.add(new Event(nowMicros + Math.max(0, delayMicros), seq++, task));
    }

    /** A check run after every event, e.g. "never two coordinators of one epoch". */
    void afterEachEvent(Runnable check) {
        this.afterEachEvent = check;
    }

    /** Runs events until virtual time {@code untilMillis}. */
    void runUntil(long untilMillis) {
        long limit = untilMillis * MICROS_PER_MILLI;
        while (!events.isEmpty() && events.peek().at <= limit) {
            step();
        }
        nowMicros = Math.max(nowMicros, limit);
    }

    void runFor(long millis) {
        runUntil(nowMillis() + millis);
    }

    /** Runs until the condition holds (checked after each event) or {@code maxMillis} of virtual time pass. */
    boolean runUntil(BooleanSupplier condition, long maxMillis) {
        long limit = (nowMillis() + maxMillis) * MICROS_PER_MILLI;
        while (!condition.getAsBoolean()) {
            if (events.isEmpty() || events.peek().at > limit) {
                nowMicros = Math.max(nowMicros, limit);
                return condition.getAsBoolean();
            }
            step();
        }
        return true;
    }

    private void step() {
        Event e = events.poll();
        nowMicros = e.at;
        e.task.run();
        afterEachEvent.run();
    }
}
