package shelf.node;

/** A node cannot start; {@link #exitCode()} is the documented code (2 for configuration and port problems). */
public final class NodeStartException extends Exception {
    private final int exitCode;

    public NodeStartException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
