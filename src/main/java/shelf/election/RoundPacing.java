package shelf.election;

/**
 * How soon the next election round may begin. The Bully rules in {@link BullyElection} say <em>when</em> to elect;
 * this says how soon, so that neither a lossy network nor a peer that repeats itself can drive a node into an election
 * storm, while failover stays immediate. Protocol thread only.
 *
 * <ul>
 *   <li>Pacing rule: the first round after a quiet spell (no round for {@code quietMs}) begins at once, whatever
 *       triggered it; so does a round for a {@link Trigger#FAILURE} (the coordinator is gone) when the previous round
 *       ended with a coordinator. A failover therefore starts as soon as the failure is seen.</li>
 *   <li>Back-off rule: a round that would begin while the previous one ended without a coordinator waits an
 *       exponential back-off after the previous round began: {@code d = min(cap, base × 2^(k−1))} for the k-th such
 *       round in a row, of which it waits {@code d/2} plus a jitter below {@code d/2}.</li>
 *   <li>News rule: a round for {@link Trigger#NEWS} from a peer (a newer epoch, an ELECTION or COORDINATOR from a lower
 *       id) within the quiet spell waits the same back-off even if the previous round succeeded: whatever a peer
 *       sends, and however often, it cannot make this node elect more often than that.</li>
 * </ul>
 *
 * <p>The jitter is a deterministic function of the node's id and k (a hash, not a random draw), so nodes that failed
 * together retry apart, and the simulation stays a function of its seed.
 */
final class RoundPacing {
    /** Why a round is wanted. */
    enum Trigger {
        /**
         * This node has no coordinator it can trust: it started, the coordinator fell silent, was unreachable or
         * resigned, a round ended without one, or an operator asked.
         */
        FAILURE,
        /** A peer told it something: a newer epoch, an ELECTION or COORDINATOR from a lower id. */
        NEWS
    }

    /** Doublings beyond which the back-off is at its cap anyway (keeps the shift in range). */
    private static final int MAX_DOUBLINGS = 30;

    private final int self;
    private final long baseMs;
    private final long capMs;
    private final long quietMs;
    private boolean anyRound;
    private long lastRoundAt;
    /** Rounds begun in a row, each within {@code quietMs} of the one before, minus one. */
    private int streak;
    private boolean settledSinceRound = true;

    /**
     * @param baseMs  the first back-off (before its halving and jitter)
     * @param capMs   the longest back-off; also the quiet spell after which pacing starts afresh
     */
    RoundPacing(int self, long baseMs, long capMs) {
        this.self = self;
        this.baseMs = baseMs;
        this.capMs = capMs;
        this.quietMs = capMs;
    }

    /** How long a round wanted for {@code trigger} at {@code now} must wait: 0 to begin at once. */
    long delay(Trigger trigger, long now) {
        long since = now - lastRoundAt;
        if (!anyRound || since >= quietMs || (trigger == Trigger.FAILURE && settledSinceRound)) {
            return 0;
        }
        return Math.max(0, backoff(streak + 1) - since);
    }

    /** A round began at {@code now}. */
    void roundBegan(long now) {
        streak = anyRound && now - lastRoundAt < quietMs ? streak + 1 : 0;
        anyRound = true;
        lastRoundAt = now;
        settledSinceRound = false;
    }

    /** The node follows a coordinator or became one: the last round ended with a coordinator. */
    void settled() {
        settledSinceRound = true;
    }

    /** The wait after the previous round's start before the k-th round in a row (k ≥ 1). */
    long backoff(int k) {
        long full = k - 1 >= MAX_DOUBLINGS ? capMs : Math.min(capMs, baseMs << (k - 1));
        long half = full / 2;
        return half + Math.floorMod(mix(self * 0x9E3779B97F4A7C15L + k), half + 1);
    }

    /** SplitMix64's finalizer: a well-spread hash of a long. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
