package shelf.election;

/** What the rest of the node learns from the election. Called by {@link BullyElection} on the protocol thread. */
@FunctionalInterface
public interface ElectionListener {
    /**
     * The coordinator or epoch changed. {@code coordinator} is -1 while none is known
     * (the node is a candidate).
     */
    void coordinatorChanged(int coordinator, long epoch, Role role);
}
