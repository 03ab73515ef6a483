package shelf.election;

/**
 * One election as this node took part in it, from its first round to the term it ended in, for the one line that
 * sums it up: why it began, how many rounds and messages it took, who won, in which epoch, and how long it took.
 * Protocol thread only ({@link BullyElection}); times are the node's clock in milliseconds.
 */
final class ElectionSummary {
    private final String reason;
    private final long startedAt;
    private int rounds;
    private long electionsSent;
    private long oksReceived;

    /** @param reason why this node began it: its own suspicion, a lower node's ELECTION, an operator, its start */
    ElectionSummary(String reason, long startedAt) {
        this.reason = reason;
        this.startedAt = startedAt;
    }

    /** A round began, asking {@code asked} higher nodes. */
    void roundBegan(int asked) {
        rounds++;
        electionsSent += asked;
    }

    /** ELECTIONs sent again within a round (a lost answer). */
    void electionsSent(int n) {
        electionsSent += n;
    }

    void okReceived() {
        oksReceived++;
    }

    /**
     * The summary line (after the node id), when the election ended with {@code winner} leading {@code epoch}.
     *
     * @param announced the COORDINATOR messages this node sent as the winner (0 when another node won)
     */
    String ended(int winner, long epoch, int announced, long now) {
        return "election over: node " + winner + " won epoch " + epoch + " in " + (now - startedAt) + " ms (begun because: "
                + reason + "; " + rounds + (rounds == 1 ? " round, " : " rounds, ") + electionsSent + " ELECTION sent, "
                + oksReceived + " OK received" + (announced > 0 ? ", COORDINATOR sent to " + announced + " peers" : "") + ")";
    }
}
