package shelf.library;

/**
 * A request refused because its caller is not who it says: no session, a wrong PIN, a forged or expired session
 * ticket, or a session of one user acting for another. The message is one line for the user; it never contains a
 * PIN, a hash or a ticket. Thrown by {@link UserAuthentication} and, over RMI, by the library service to its clients.
 */
public final class AccessRefusedException extends Exception {
    public AccessRefusedException(String message) {
        super(message);
    }
}
