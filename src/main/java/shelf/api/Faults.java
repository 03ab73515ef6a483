package shelf.api;

import java.io.InvalidObjectException;
import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The network faults an operator injected into one node's transport ({@code admin partition}, {@code drop},
 * {@code delay}; cleared by {@code admin heal} and by a restart). They act on the node's messages in both directions:
 * nothing goes to or comes from a {@linkplain #blocked() blocked} peer (so it looks unreachable, as across a real
 * partition); each message is lost with {@link #dropPercent} percent chance, each way; each outgoing message waits
 * {@link #delayMs} before it leaves.
 *
 * <p>Immutable and validated on construction, also when it arrives in a remote call: it travels as a small
 * {@code int[]} form ({@link Wire}), never as a set, which the nodes' serialization filters refuse.
 *
 * @param blocked     the peers this node must not talk to, in ascending order (ids above 0)
 * @param dropPercent the chance, 0 to 100, that a message (either way) is lost without a word
 * @param delayMs     how long, 0 to {@link #MAX_DELAY_MS}, each outgoing message is held before it is sent
 */
public record Faults(Set<Integer> blocked, int dropPercent, long delayMs) implements Serializable {
    /** The longest delay an operator may ask for, ten seconds. */
    public static final long MAX_DELAY_MS = 10_000;
    /** No faults: a healthy node. */
    public static final Faults NONE = new Faults(Set.of(), 0, 0);
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * @throws IllegalArgumentException for a missing set, an id below 1, a percent outside 0..100 or a delay outside
     *                                  0..{@link #MAX_DELAY_MS}
     */
    public Faults {
        if (blocked == null) {
            throw new IllegalArgumentException("no set of blocked peers (an empty one blocks nobody)");
        }
        TreeSet<Integer> sorted = new TreeSet<>();
        for (Integer id : blocked) {
            if (id == null || id < 1) {
                throw new IllegalArgumentException("a blocked peer must be a node id above 0, not " + id);
            }
            sorted.add(id);
        }
        if (dropPercent < 0 || dropPercent > 100) {
            throw new IllegalArgumentException("drop between 0 and 100 percent, not " + dropPercent);
        }
        if (delayMs < 0 || delayMs > MAX_DELAY_MS) {
            throw new IllegalArgumentException("delay between 0 and " + MAX_DELAY_MS + " ms, not " + delayMs);
        }
        blocked = Collections.unmodifiableSortedSet(sorted);
    }

    /** These faults, with {@code peers} blocked instead. */
    public Faults withBlocked(Collection<Integer> peers) {
        return new Faults(Set.copyOf(peers), dropPercent, delayMs);
    }

    public Faults withDropPercent(int percent) {
        return new Faults(blocked, percent, delayMs);
    }

    public Faults withDelayMs(long millis) {
        return new Faults(blocked, dropPercent, millis);
    }

    /** Whether messages to and from {@code peer} are blocked. */
    public boolean blocks(int peer) {
        return blocked.contains(peer);
    }

    public boolean none() {
        return blocked.isEmpty() && dropPercent == 0 && delayMs == 0;
    }

    /** One line for status and logs: {@code "blocked 4,5; drop 10%; delay 200 ms"}, or {@code "none"}. */
    public String describe() {
        if (none()) {
            return "none";
        }
        StringBuilder s = new StringBuilder();
        if (!blocked.isEmpty()) {
            s.append("blocked ").append(blocked.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        if (dropPercent > 0) {
            s.append(s.isEmpty() ? "" : "; ").append("drop ").append(dropPercent).append('%');
        }
        if (delayMs > 0) {
            s.append(s.isEmpty() ? "" : "; ").append("delay ").append(delayMs).append(" ms");
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    /** What goes on the wire: the blocked ids as an array, read back through the validating constructor. */
    @Serial
    private Object writeReplace() {
        return new Wire(blocked.stream().mapToInt(Integer::intValue).toArray(), dropPercent, delayMs);
    }

    /** The serial form of {@link Faults}. */
    private record Wire(int[] blocked, int dropPercent, long delayMs) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private Object readResolve() throws InvalidObjectException {
            try {
                return new Faults(Arrays.stream(blocked == null ? new int[0] : blocked).boxed().collect(Collectors.toSet()),
                        dropPercent, delayMs);
            } catch (IllegalArgumentException e) {
                throw new InvalidObjectException(e.getMessage());
            }
        }
    }
}
