package shelf.rmi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import shelf.protocol.Message;

/**
 * A lock request's call held open until its grant, for a short while: the grant then travels in the call's reply, so a
 * contended handoff costs the next holder no call of its own (without it the coordinator calls the waiter,
 * {@code grantLock}, a second round trip on the lock's critical path).
 *
 * <p>{@link NodeServiceImpl} holds a {@code deliver} call whose batch carries a lock request when handling it produced no
 * answer for the caller (the request queued): it waits at most the hold bound, a fraction of the heartbeat interval and
 * of the caller's read timeout, then returns what arrived, possibly nothing. While it waits, the node's
 * {@link RmiTransport} hands it a {@link Message.LockGrant} for that caller, and nothing else: every other message keeps
 * its place in the peer's ordered queue. A grant that comes as the wait ends goes by the ordinary call ({@link #offer}
 * and the end of the wait exclude each other).
 *
 * <p>What the hold costs: the waiting node's sender thread to the coordinator is busy for at most the bound, so its other
 * messages to the coordinator (heartbeat answers, an ELECTION) wait that long, far inside the failure timeout. A grant in
 * a held reply that is never read (the waiter died) is bounded like any grant in a reply, by its first lease
 * ({@code lock.LockServer}).
 *
 * @see Replies the immediate case: the grant produced while the call is handled
 */
final class HeldReplies {
    private static final Map<Long, Held> HELD = new ConcurrentHashMap<>();
    /** Per receiving node: calls that waited, those a grant ended, those the bound ended empty. */
    private static final Map<Integer, LongAdder[]> COUNTS = new ConcurrentHashMap<>();
    private static final int WAITED = 0;
    private static final int GRANTED = 1;
    private static final int EMPTY = 2;

    private HeldReplies() {
    }

    /** One held call: from node {@code caller}, at node {@code receiver}. */
    static final class Held {
        private final long key;
        private final LongAdder[] counts;
        private final List<Message> messages = new ArrayList<>(1);
        private boolean open = true;

        private Held(long key, LongAdder[] counts) {
            this.key = key;
            this.counts = counts;
        }

        private synchronized boolean add(Message m) {
            if (!open) {
                return false;
            }
            messages.add(m);
            notifyAll();
            return true;
        }

        /**
         * The call's reply: {@code answered} (what its handling produced) and anything offered meanwhile; when both are
         * empty, waits up to {@code holdNanos} for a grant. Ends the hold either way.
         */
        Message[] finish(Message[] answered, long holdNanos) throws InterruptedException {
            try {
                synchronized (this) {
                    long deadline = System.nanoTime() + holdNanos;
                    boolean waits = answered.length == 0 && messages.isEmpty();
                    for (long left = holdNanos; answered.length == 0 && messages.isEmpty() && left > 0;
                            left = deadline - System.nanoTime()) {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    }
                    open = false;
                    if (waits) {
                        counts[WAITED].increment();
                        counts[messages.isEmpty() ? EMPTY : GRANTED].increment();
                    }
                    if (messages.isEmpty()) {
                        return answered;
                    }
                    List<Message> all = new ArrayList<>(List.of(answered));
                    all.addAll(messages);
                    return all.toArray(Message[]::new);
                }
            } finally {
                HELD.remove(key, this);
            }
        }
    }

    /** Node {@code receiver} begins handling a lock request's call from node {@code caller}: its grant may be held for it. */
    static Held open(int receiver, int caller) {
        Held held = new Held(key(receiver, caller), counts(receiver));
        HELD.put(held.key, held);
        return held;
    }

    /**
     * Puts {@code m}, from node {@code from} to node {@code to}, in the reply of {@code to}'s held call, if {@code m} is a
     * lock grant and such a call is held.
     *
     * @return true when taken: the caller must not send it otherwise
     */
    static boolean offer(int from, int to, Message m) {
        if (!(Message.Stamped.payload(m) instanceof Message.LockGrant)) {
            return false;
        }
        Held held = HELD.get(key(from, to));
        return held != null && held.add(m);
    }

    /** True when {@code batch} carries a lock request (stamped or not): its call may be held. */
    static boolean asksForLock(Message[] batch) {
        for (Message m : batch) {
            if (Message.Stamped.payload(m) instanceof Message.LockRequest) {
                return true;
            }
        }
        return false;
    }

    /**
     * Node {@code receiver}'s counters, for its status: {@code reply.held} lock requests' calls that waited for their
     * grant, {@code reply.held.granted} those a grant ended, {@code reply.held.empty} those the bound ended empty.
     */
    static Map<String, Long> counters(int receiver) {
        LongAdder[] c = counts(receiver);
        return Map.of("reply.held", c[WAITED].sum(), "reply.held.granted", c[GRANTED].sum(), "reply.held.empty", c[EMPTY].sum());
    }

    private static LongAdder[] counts(int receiver) {
        return COUNTS.computeIfAbsent(receiver, r -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
    }

    private static long key(int receiver, int caller) {
        return ((long) receiver << 32) | (caller & 0xffffffffL);
    }
}
