package shelf.library;

import shelf.fencing.FencingToken;

/** A write came with a fencing token below one the store has already accepted: its lease had lapsed. */
public final class StaleTokenException extends Exception {
    private final FencingToken offered;
    private final FencingToken highest;

    public StaleTokenException(FencingToken offered, FencingToken highest) {
        super("stale fencing token " + offered + ": the library has accepted " + highest);
        this.offered = offered;
        this.highest = highest;
    }

    public FencingToken offered() {
        return offered;
    }

    public FencingToken highest() {
        return highest;
    }
}
