package shelf.rmi;

import java.rmi.AccessException;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Counts and logs the registry's refusals of remote binds ({@link AcceptedSocket} explains why the JDK refuses them).
 * The JDK's registry refuses inside its own code and tells nobody but its call log: RMI's server logs every exception
 * a remote call ends with to the JUL logger {@code sun.rmi.server.call} at FINE, on the thread that served the call.
 * This handler listens there for the registry's {@link AccessException} and reports it to the node whose connection
 * that thread serves ({@link Access#registryRefused}); every other record is left to the usual log configuration
 * (where FINE records of {@code sun.rmi} are dropped unless {@code -v}).
 */
final class RegistryGuard extends Handler {
    /** Held here: JUL keeps loggers only weakly, and a collected logger would forget its level and handler. */
    private static final Logger CALLS = Logger.getLogger("sun.rmi.server.call");
    private static boolean installed;

    private RegistryGuard() {
    }

    /** Installs the handler once per JVM. */
    static synchronized void install() {
        if (!installed) {
            installed = true;
            CALLS.setLevel(Level.FINE);
            CALLS.addHandler(new RegistryGuard());
        }
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getThrown() instanceof AccessException e && String.valueOf(e.getMessage()).contains(" disallowed")) {
            Access node = AcceptedSocket.serving();
            if (node != null) {
                node.registryRefused(e.getMessage().substring(0, e.getMessage().indexOf(" disallowed")));
            }
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
