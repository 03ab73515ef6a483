package shelf.events;

import java.util.Set;

/** The names of local events, and which types belong to which part of the protocol (for {@code timeline --only}). */
public final class EventTypes {
    public static final String START = "START";
    public static final String STOP = "STOP";
    public static final String ROLE = "ROLE";
    public static final String EPOCH = "EPOCH";
    public static final String GRANT_GIVEN = "GRANT_GIVEN";
    public static final String GRANT_TAKEN = "GRANT_TAKEN";
    public static final String RELEASED = "RELEASED";
    public static final String LEASE_EXPIRED = "LEASE_EXPIRED";
    public static final String STORE_WRITE = "STORE_WRITE";
    public static final String STALE_WRITE_REFUSED = "STALE_WRITE_REFUSED";
    public static final String CRASH_REQUESTED = "CRASH_REQUESTED";
    public static final String UNREACHABLE = "UNREACHABLE";

    /** The election's messages and events. */
    public static final Set<String> ELECTION = Set.of("ELECTION", "OK", "COORDINATOR", "STALE", "HEARTBEAT", "HEARTBEAT_ACK",
            ROLE, EPOCH);
    /** The lock's. */
    public static final Set<String> LOCK = Set.of("LOCK_REQUEST", "LOCK_GRANT", "LOCK_RELEASE", "LEASE_RENEWAL",
            "LOCK_STATE_QUERY", "LOCK_STATE_REPORT", GRANT_GIVEN, GRANT_TAKEN, RELEASED, LEASE_EXPIRED);
    /** The library's. */
    public static final Set<String> LIBRARY = Set.of(STORE_WRITE, STALE_WRITE_REFUSED);
    /** The periodic traffic a diagram hides unless asked: heartbeats, their acks, lease renewals. */
    public static final Set<String> PERIODIC = Set.of("HEARTBEAT", "HEARTBEAT_ACK", "LEASE_RENEWAL");

    private EventTypes() {
    }
}
