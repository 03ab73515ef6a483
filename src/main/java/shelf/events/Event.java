package shelf.events;

/**
 * One line of a node's events file ({@code logs/node-<id>.events.jsonl}): a message sent or received, or a local
 * event, with the node's wall time and its Lamport and vector clocks after the event.
 *
 * @param ms     wall time, milliseconds since the epoch (the file's {@code ms}; {@code ts} is the same in ISO-8601)
 * @param node   the node that recorded it
 * @param lc     the Lamport clock after the event
 * @param vc     the vector clock after the event
 * @param kind   sent, received, or local
 * @param type   the message type ({@code ELECTION}, {@code LOCK_GRANT}, …) or the local event ({@code ROLE}, …)
 * @param peer   the other node (the recipient of a send, the sender of a receipt), or {@link #NONE}
 * @param mid    a message's id, {@code <sender>-<sender's sequence number>}, the same on both sides; null if none
 * @param epoch  the epoch the message or event names, or {@link #NO_EPOCH}
 * @param token  a fencing token ({@code 12:4}), or null
 * @param detail free text (a role, a reason), or null
 */
public record Event(long ms, int node, long lc, VectorClock vc, Kind kind, String type, int peer, String mid, long epoch,
                    String token, String detail) {
    /** No peer. */
    public static final int NONE = 0;
    /** No epoch. */
    public static final long NO_EPOCH = -1;

    /** What an event is. */
    public enum Kind {
        /** A message sent to {@code peer}. */
        SEND,
        /** A message received from {@code peer}. */
        RECV,
        /** Something that happened at the node alone. */
        LOCAL;

        private final String wire = name().toLowerCase(java.util.Locale.ROOT);

        /** The name in the file: send, recv, local. */
        public String wire() {
            return wire;
        }
    }

    /** True for a message sent or received. */
    public boolean isMessage() {
        return kind != Kind.LOCAL;
    }

    /** True when this event names a peer. */
    public boolean hasPeer() {
        return peer != NONE;
    }
}
