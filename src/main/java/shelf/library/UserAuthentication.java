package shelf.library;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * User authentication as a node applies it when {@code users.file} turns it on: a client proves its PIN once per
 * session ({@link #login}, the slow hash) and gets a session ticket ({@link SessionTickets}); every later request
 * carries the ticket, and {@link #authorize} checks it cheaply (one HMAC) and refuses a request made for any other
 * user than the ticket's.
 *
 * <p>Called on RMI threads, concurrently. PIN checks run one at a time per node, so that a burst of logins (or of
 * guesses) costs at most one core and leaves the protocol's heartbeats their CPU; a wrong PIN and an unknown user cost
 * the same time and get the same answer.
 */
public final class UserAuthentication {
    /** Hashed in place of an unknown user's credential, so that the answer's timing does not tell who exists. */
    private static final UserCredential DECOY = new UserCredential("decoy", UserCredential.ALGORITHM,
            UserCredential.ITERATIONS, new byte[UserCredential.SALT_BYTES], new byte[UserCredential.HASH_BYTES]);

    private final UserDirectory directory;
    private final Clock clock;
    private final Semaphore pinChecks = new Semaphore(1, true);

    public UserAuthentication(UserDirectory directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    /** Where the users are, for messages. */
    public String location() {
        return directory.location();
    }

    /** How many users there are (none while the store does not exist). */
    public int count() throws StoreException {
        return directory.names().size();
    }

    /**
     * Checks {@code user}'s PIN (the slow hash) and returns a session ticket for them.
     *
     * @throws AccessRefusedException "wrong PIN for USER, or no such user"
     * @throws StoreException         the users store cannot be read
     */
    public String login(String user, char[] pin) throws AccessRefusedException, StoreException {
        Optional<UserCredential> found = directory.find(user);
        boolean matches;
        pinChecks.acquireUninterruptibly();
        try {
            matches = found.orElse(DECOY).matches(pin) && found.isPresent();
        } finally {
            pinChecks.release();
        }
        if (!matches) {
            throw new AccessRefusedException("wrong PIN for " + user + ", or no such user");
        }
        return tickets().issue(found.get());
    }

    /**
     * Lets a request for {@code user} through only with a valid, unexpired ticket of that same user, whose credential is
     * still the one the ticket was issued for.
     *
     * @throws AccessRefusedException no ticket, a forged, stale or expired one, or another user's
     * @throws StoreException         the users store cannot be read
     */
    public void authorize(String ticket, String user) throws AccessRefusedException, StoreException {
        if (ticket == null || ticket.isEmpty()) {
            throw new AccessRefusedException("user authentication is on: log in first");
        }
        String holder = SessionTickets.holder(ticket);
        UserCredential credential = directory.find(holder)
                .orElseThrow(() -> new AccessRefusedException(holder + " is not a library user any more"));
        tickets().verify(ticket, credential);
        if (!holder.equals(user)) {
            throw new AccessRefusedException("the session of " + holder + " cannot act for " + user);
        }
    }

    private SessionTickets tickets() throws StoreException {
        return new SessionTickets(directory.sessionKey(), clock);
    }
}
