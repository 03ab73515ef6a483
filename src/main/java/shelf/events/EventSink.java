package shelf.events;

/** Where a node's events go. {@link #record} is called on the protocol thread and never blocks. */
public interface EventSink extends AutoCloseable {
    /** Nowhere: events are off, and messages carry no clocks. */
    EventSink OFF = new EventSink() {
        @Override
        public void record(Event e) {
            // off
        }

        @Override
        public boolean enabled() {
            return false;
        }
    };

    /** Takes one event; returns at once (a full sink drops it and says so). */
    void record(Event e);

    /** False only for {@link #OFF}. */
    default boolean enabled() {
        return true;
    }

    /** Waits up to {@code timeoutMs} for every event recorded so far to reach the file (before a crash halts the process). */
    default void flush(long timeoutMs) {
    }

    /** Writes what is left and closes the file. */
    @Override
    default void close() {
    }
}
