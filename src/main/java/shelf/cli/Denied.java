package shelf.cli;

import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import shelf.config.NodeAddress;
import shelf.util.Throwables;

/**
 * Tells a refusal of the caller's credentials (exit code 4, {@link shelf.util.ExitCodes#DENIED}) from a node that could
 * not be reached (3): a TLS handshake that failed, or a node that refused the call ({@link SecurityException}).
 */
final class Denied {
    private Denied() {
    }

    /** True when {@code e} is, or was caused by, a failed TLS handshake. */
    static boolean byTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    /** True when the node refused the credentials or the call. */
    static boolean is(Throwable e) {
        return e instanceof SecurityException || byTls(e);
    }

    /** One line: which node, and why, for a failed handshake; the node's own words for a refused call. */
    static String message(NodeAddress node, Throwable e) {
        if (e instanceof SecurityException) {
            return e.getMessage();
        }
        String why = Throwables.rootCause(e).getMessage();
        return "the TLS handshake with node " + node.id() + " at " + node + " failed (" + why + "): is resources/tls from"
                + " this cluster's CA, or does the cluster run with tls=off?";
    }
}
