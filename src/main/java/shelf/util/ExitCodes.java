package shelf.util;

/**
 * The exit codes scripts rely on (DESIGN §1). In this bottom package so that every layer that ends a
 * process or names an exit code (the commands, the benchmarks, a node that cannot start) uses these names.
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** Refused by the library's rules (or a library that must not be overwritten). */
    public static final int REFUSED = 1;
    /** Usage error: bad options, arguments or configuration. */
    public static final int USAGE = 2;
    /** The node or the cluster could not serve the request in time. */
    public static final int UNAVAILABLE = 3;
    /**
     * Not allowed: the node refused the caller's credentials (a TLS handshake that failed: no key from this cluster's
     * CA, an expired one) or the call (a certificate of the wrong kind: a client's for an admin operation).
     */
    public static final int DENIED = 4;

    private ExitCodes() {
    }
}
