package shelf.election;

/** A node's part in the current term. */
public enum Role {
    /** Knows a coordinator and heartbeats it. */
    FOLLOWER,
    /** Has sent ELECTION to the higher ids and waits for OK or COORDINATOR. */
    CANDIDATE,
    /** Won the election: announces itself, answers heartbeats, runs the lock server. */
    COORDINATOR
}
