package shelf.protocol;

import java.io.Serializable;
import shelf.fencing.FencingToken;

/**
 * Every message nodes exchange. All are one-way: an answer is a message of its own, so the same
 * protocol code runs over RMI and over the in-memory simulation.
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
    }

    /** Higher id to a candidate: "I am alive and take over the election." */
    record Ok(int from, long epoch) implements Message {
    }

    /** Winner to all: "I am coordinator of this epoch." Re-sent to peers that fall silent. */
    record Coordinator(int from, long epoch) implements Message {
    }

    /** Follower to coordinator, every heartbeat interval: "I am alive and follow you in this epoch." */
    record Heartbeat(int from, long epoch) implements Message {
    }

    /** Coordinator to follower: the answer to a heartbeat of the current epoch. */
    record HeartbeatAck(int from, long epoch) implements Message {
    }

    /** Any node to a sender of an older epoch: "the current epoch is this; your view is stale." */
    record Stale(int from, long epoch, int coordinator) implements Message {
    }

    /** Node to coordinator: "queue me for the cluster mutex." {@code requestId} tells retries apart. */
    record LockRequest(int from, long epoch, long requestId) implements Message {
    }

    /** Coordinator to node: "you hold the mutex, with this fencing token, for this lease unless renewed." */
    record LockGrant(int from, long epoch, long requestId, FencingToken token, long leaseMs) implements Message {
    }

    /** Holder to coordinator: "I am done with the mutex granted with this token." */
    record LockRelease(int from, long epoch, FencingToken token) implements Message {
    }

    /**
     * Holder to coordinator (itself included), every heartbeat interval while it holds the mutex: "renew the lease
     * of the grant with this token."
     */
    record LeaseRenewal(int from, long epoch, FencingToken token) implements Message {
    }

    /** New coordinator to all, before granting anything: "what do you hold and what do you wait for?" */
    record LockStateQuery(int from, long epoch) implements Message {
    }

    /**
     * Node to new coordinator: its lock state. {@code held} is null when it holds nothing;
     * {@code waitingRequestId} is 0 when it waits for nothing.
     */
    record LockStateReport(int from, long epoch, FencingToken held, long heldRequestId, long waitingRequestId)
            implements Message {
    }
}
