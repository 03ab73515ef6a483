package shelf.election;

import java.util.List;

/**
 * Epoch arithmetic, in one place so that it can never overflow.
 *
 * <p>An epoch is a ballot number {@code term × stride + id} (see {@link #next}). Every epoch a node takes, from a message
 * or from its epoch file, lies in {@code 0..}{@link #CEILING}; the next epoch above any of them is then at most
 * {@code CEILING + 2 × stride}, far from {@code Long.MAX_VALUE}, so the arithmetic cannot overflow, and a node never
 * claims an epoch above the ceiling either.
 */
public final class Epochs {
    /**
     * The highest epoch a node accepts or claims: 2^53 − 1, the largest integer every JSON reader holds exactly (status
     * {@code --json} carries it). A cluster that held an election every millisecond would take 28,000 years to reach it
     * with up to 9 nodes (stride 10), so an epoch above it is a lie or corruption, never a long-lived cluster; and a
     * restarted node accepts any epoch below it, however far its peers moved on while it was down.
     */
    public static final long CEILING = (1L << 53) - 1;

    private static final long WIDEST_STRIDE = 10_000_000_000L;

    private Epochs() {
    }

    /** True for an epoch a node may accept: {@code 0..CEILING}. */
    public static boolean isSane(long epoch) {
        return epoch >= 0 && epoch <= CEILING;
    }

    /**
     * True when a coordinator can still claim an epoch above {@code epoch}, whatever the ids: the next epoch lies at most
     * two strides above (see {@link #next}), and the widest stride, for ids up to 2^31 − 1, is 10^10. A library fence of
     * an epoch beyond this (a forged {@code MAX:MAX}) no election can pass; only an operator's fence repair can.
     */
    public static boolean passable(long epoch) {
        return isSane(epoch) && epoch <= CEILING - 2 * WIDEST_STRIDE;
    }

    /**
     * The next epoch node {@code self} may claim: above {@code maxSeen}, and ending in its own id (a ballot number, as in
     * Paxos: term × stride + id). Two nodes can therefore never claim the same epoch, even when one wins without hearing
     * of the other's term (Bully has no round trip that would tell it). For {@code maxSeen} in {@code 0..CEILING} the
     * result does not overflow; it may exceed {@link #CEILING}, and the caller must then not claim it.
     */
    static long next(long maxSeen, int self, long stride) {
        return (maxSeen / stride + 1) * stride + self;
    }

    /** The smallest power of ten above every id, so that an epoch's last digits name its coordinator. */
    static long stride(List<Integer> ids) {
        int highest = ids.stream().mapToInt(Integer::intValue).max().orElse(1);
        long stride = 10; // a long: ids reach 2^31 - 1, whose stride 10^10 an int cannot hold
        while (stride <= highest) {
            stride *= 10;
        }
        return stride;
    }
}
