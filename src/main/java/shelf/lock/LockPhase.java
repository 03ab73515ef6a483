package shelf.lock;

/** The lock server's phase in its node's current term. */
public enum LockPhase {
    /** Not coordinator: ignores lock traffic. */
    INACTIVE,
    /** Coordinator, rebuilding the table from the nodes' reports; grants nothing yet. */
    RECOVERING,
    /** Coordinator, granting. */
    SERVING
}
