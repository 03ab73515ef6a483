package shelf.rmi;

import java.util.Optional;
import shelf.tls.Identity;

/**
 * Who is calling: the identity of the certificate the caller presented in the TLS handshake, and its address.
 *
 * <p>RMI runs every call of a connection on that connection's handler thread, and reads the call from the socket on
 * that thread, so {@link AcceptedSocket} sets the caller of the current thread on each read from its connection; the
 * services read it with {@link #current()}. Empty outside a remote call, and on a node with {@code tls=off}.
 *
 * @param identity the certificate's identity
 * @param address  the caller's address as the node's socket saw it (for logs)
 */
public record Caller(Identity identity, String address) {
    private static final ThreadLocal<Caller> CURRENT = new ThreadLocal<>();

    /** The caller of the remote call this thread is serving, if it came over TLS. */
    public static Optional<Caller> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    static void set(Caller caller) {
        CURRENT.set(caller);
    }

    /** Forgets the caller when the connection it belongs to closes (the thread returns to RMI's pool). */
    static void clear(Caller caller) {
        if (CURRENT.get() == caller) {
            CURRENT.remove();
        }
    }

    @Override
    public String toString() {
        return identity + " at " + address;
    }
}
