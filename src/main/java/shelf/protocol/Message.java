package shelf.protocol;

import java.io.Serializable;
import shelf.fencing.FencingToken;

/**
 * Every message nodes exchange. All are one-way: an answer is a message of its own, so the same
 * protocol code runs over RMI and over the in-memory simulation.
 *
 * <p>Each record travels in a form of its own, {@link Wire} (a tag and its fields), and is read back through its
 * constructor.
 *
 * <p>{@code epoch} is the coordinator term the sender believes in (for ELECTION and OK, the highest it
 * has seen). Receivers ignore lock and heartbeat traffic of an older epoch.
 */
public sealed interface Message extends Serializable {
    int from();

    long epoch();

    /** The name logs and counters use: LOCK_GRANT for {@link LockGrant}. */
    default String type() {
        return Types.NAMES.get(getClass());
    }

    /** Message type names, worked out once per class (they are used for every message sent and received). */
    final class Types {
        private static final ClassValue<String> NAMES = new ClassValue<>() {
            @Override
            protected String computeValue(Class<?> type) {
                return type.getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
            }
        };

        private Types() {
        }
    }

    /** Candidate to every higher id: "I am starting an election; are you alive?" */
    record Election(int from, long epoch) implements Message {
        private Object writeReplace() {
            return new Wire(this);
        }
    }

    /** Higher id to a candidate: "I am alive and take over the election." */
    record Ok(int from, long epoch) implements Message {
        private Object writeReplace() {
            return new Wire(this);
        }
    }

    /** Winner to all: "I am coordinator of this epoch." Re-sent to peers that fall silent. */
    record Coordinator(int from, long epoch) implements Message {
        private Object writeReplace() {
            return new Wire(this);
        }
    }

    /** Follower to coordinator, every heartbeat interval: "I am alive and follow you in this epoch." */
    record Heartbeat(int from, long epoch) implements Message {
        private Object writeReplace() {
            return new Wire(this);
        }
    }

    /** Coordinator to follower: the answer to a heartbeat of the current epoch. */
    record HeartbeatAck(int from, long epoch) implements Message {
        private Object writeReplace() {
            return new Wire(this);
        }
    }

    /** Any node to a sender of an older epoch: "the current epoch is this; your view is stale." */
    record Stale(int from, long epoch, int coordinator) implements Message {
        private Object writeReplace() {
            return new Wire(this);
        }
    }

    /** Node to coordinator: "queue me for the cluster mutex." {@code requestId} tells retries apart. */
    record LockRequest(int from, long epoch, long requestId) implements Message {
        private Object writeReplace() {
            return new Wire(this);
        }
    }

    /**
     * Coordinator to node: "you hold the mutex, with this fencing token, for this lease unless renewed; each renewal
     * extends it to {@code renewedLeaseMs} from its arrival". The holder counts neither longer than this says, whatever
     * its own file's {@code lease.ms}: the coordinator's clock is the one that revokes.
     */
    record LockGrant(int from, long epoch, long requestId, FencingToken token, long leaseMs, long renewedLeaseMs)
            implements Message {
        private Object writeReplace() {
            return new Wire(this);
        }
    }

    /** Holder to coordinator: "I am done with the mutex granted with this token." */
    record LockRelease(int from, long epoch, FencingToken token) implements Message {
        private Object writeReplace() {
            return new Wire(this);
        }
    }

    /**
     * Holder to coordinator (itself included), every heartbeat interval while it holds the mutex: "renew the lease
     * of the grant with this token."
     */
    record LeaseRenewal(int from, long epoch, FencingToken token) implements Message {
        private Object writeReplace() {
            return new Wire(this);
        }
    }

    /**
     * New coordinator to all, before granting anything: "what do you hold and what do you wait for? My lease is
     * {@code leaseMs}" (a holder that keeps the mutex under it counts no longer).
     */
    record LockStateQuery(int from, long epoch, long leaseMs) implements Message {
        private Object writeReplace() {
            return new Wire(this);
        }
    }

    /**
     * Node to new coordinator: its lock state. {@code held} is null when it holds nothing;
     * {@code waitingRequestId} is 0 when it waits for nothing.
     */
    record LockStateReport(int from, long epoch, FencingToken held, long heldRequestId, long waitingRequestId)
            implements Message {
        private Object writeReplace() {
            return new Wire(this);
        }
    }

    /**
     * A message with the sender's clocks, for the events files (see {@code shelf.events}): the Lamport clock and vector
     * clock (one entry per node, by ascending id) after the send, and the sender's sequence number of the message, which
     * sender and receiver both record as its id. Wrapped around every message a node sends when events are on, and
     * unwrapped by the receiver before any role sees the message; transports carry it as they carry any message (RMI
     * by {@code NodeService.deliver}). Its sender and epoch are the message's.
     *
     * <p>A wrapper of a wrapper, a missing message or a negative sequence number is refused as it is built, which
     * deserialization does too (records are read through their constructor); the receiver checks the clocks against
     * the cluster's size before merging them.
     */
    record Stamped(Message message, long lamport, long[] vector, long seq) implements Message {
        public Stamped {
            if (message == null || message instanceof Stamped || vector == null || seq < 0) {
                throw new IllegalArgumentException("a stamped message needs one unstamped message, a vector clock and a"
                        + " sequence number >= 0");
            }
        }

        private Object writeReplace() {
            return new Wire(this);
        }

        /** {@code m} without its stamp, if it has one. */
        public static Message payload(Message m) {
            return m instanceof Stamped s ? s.message : m;
        }

        @Override
        public int from() {
            return message.from();
        }

        @Override
        public long epoch() {
            return message.epoch();
        }

        /** The wrapped message's type: counters and logs name what travels, not the envelope. */
        @Override
        public String type() {
            return message.type();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Stamped s && message.equals(s.message) && lamport == s.lamport
                    && java.util.Arrays.equals(vector, s.vector) && seq == s.seq;
        }

        @Override
        public int hashCode() {
            return message.hashCode() * 31 + Long.hashCode(seq);
        }

        @Override
        public String toString() {
            return message + " @" + lamport + java.util.Arrays.toString(vector) + "#" + seq;
        }
    }
}
