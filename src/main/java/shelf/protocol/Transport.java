package shelf.protocol;

/**
 * Carries messages between nodes. RMI is one implementation; the simulation's in-memory transport another.
 *
 * <p>Called from the node's protocol thread. {@link #send} must not block and must not throw: a
 * message that cannot be delivered (peer down, paused past the timeout, unknown) is reported later
 * through {@link Inbox#unreachable}, as an event, never as an exception inside the state machine.
 */
public interface Transport {
    void send(int to, Message message);

    /** Where a transport hands what arrives for one node. Implementations pass it to the node's protocol thread. */
    interface Inbox {
        void deliver(Message message);

        /** {@code message} could not be delivered to {@code peer}. */
        void unreachable(int peer, Message message);
    }
}
