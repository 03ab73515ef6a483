package shelf.fencing;

import java.io.Serializable;

/**
 * A lock grant's fencing token: the coordinator's epoch, then a counter that grows with every grant.
 * Ordered lexicographically, so every grant of a newer coordinator outranks every grant of an older one.
 * Written {@code epoch:counter}.
 */
public record FencingToken(long epoch, long counter) implements Comparable<FencingToken>, Serializable {
    /** Lower than any token a coordinator grants. */
    public static final FencingToken NONE = new FencingToken(0, 0);

    @Override
    public int compareTo(FencingToken o) {
        int byEpoch = Long.compare(epoch, o.epoch);
        return byEpoch != 0 ? byEpoch : Long.compare(counter, o.counter);
    }

    public boolean isBelow(FencingToken o) {
        return compareTo(o) < 0;
    }

    /** Parses {@code epoch:counter}, as the history log and JSON output write it. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static FencingToken parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not a fencing token: '" + text + "'");
        }
        return new FencingToken(Long.parseLong(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1)));
    }

    @Override
    @com.fasterxml.jackson.annotation.JsonValue
    public String toString() {
        return epoch + ":" + counter;
    }
}
