package shelf.node;

import shelf.protocol.Message;
import shelf.protocol.Scheduler;
import shelf.protocol.Transport;

/**
 * A node's transport with the operator's {@link FaultSwitch} in the way, for outgoing messages; {@link #inbound} is the
 * same for incoming ones. A message to a blocked peer is never sent, and its sender hears "unreachable" after the RPC
 * timeout, as from a call lost in a real partition; one to or from any peer is lost without a word with the drop
 * percent's chance; with a delay, each outgoing message is held that long on the node's scheduler before it is sent.
 * So the protocol meets these faults exactly as it meets real ones: through {@link Transport.Inbox#unreachable},
 * missing answers and late messages.
 *
 * <p>{@link #send} is called on the protocol thread and never blocks, as the transport it wraps.
 */
public final class FaultyTransport implements Transport {
    private final Transport next;
    private final FaultSwitch faults;
    private final Scheduler scheduler;
    private final long rpcTimeoutMs;
    private final Transport.Inbox inbox;

    /**
     * @param next         the real transport
     * @param scheduler    the node's scheduler: delayed messages and the reports of blocked ones wait on it
     * @param rpcTimeoutMs how long after sending to a blocked peer the node hears that it is unreachable
     * @param inbox        where "unreachable" goes: the node's, as for {@code next}
     */
    public FaultyTransport(Transport next, FaultSwitch faults, Scheduler scheduler, long rpcTimeoutMs, Transport.Inbox inbox) {
        this.next = next;
        this.faults = faults;
        this.scheduler = scheduler;
        this.rpcTimeoutMs = rpcTimeoutMs;
        this.inbox = inbox;
    }

    @Override
    public void send(int to, Message message) {
        if (faults.none()) { // the healthy path: one volatile read
            next.send(to, message);
            return;
        }
        long delay = faults.delayMs();
        if (delay == 0) {
            pass(to, message);
        } else {
            scheduler.schedule(delay, () -> pass(to, message)); // the faults in force when it leaves apply
        }
    }

    private void pass(int to, Message message) {
        if (faults.blocks(to)) {
            scheduler.schedule(rpcTimeoutMs, () -> inbox.unreachable(to, message));
        } else if (!faults.loses(to)) {
            next.send(to, message);
        }
    }

    /**
     * {@code node}'s inbox behind the same faults: a message from a blocked peer, or lost to the drop percent, never
     * reaches the node (its sender's call succeeds, as a packet lost on the way in would not tell it either).
     */
    public static Transport.Inbox inbound(Transport.Inbox node, FaultSwitch faults) {
        return new Transport.Inbox() {
            @Override
            public void deliver(Message m) {
                if (m != null && !faults.none() && faults.loses(m.from())) {
                    return;
                }
                node.deliver(m);
            }

            @Override
            public void unreachable(int peer, Message m) {
                node.unreachable(peer, m);
            }
        };
    }
}
