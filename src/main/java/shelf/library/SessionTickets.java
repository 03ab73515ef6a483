package shelf.library;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session tickets: what a client holds after it proved its PIN once, and sends with every later request (and every
 * resend to another node). A ticket is {@code <user>:<expiry, epoch seconds>:<HMAC-SHA256>}, the HMAC keyed with
 * the cluster's session key (the same on every node, kept in the users store) over the user, the expiry and the salt
 * of the user's current credential. So any node can check a ticket any node issued, cheaply (one HMAC, no slow
 * hash); and removing a user, or giving them a new PIN (a new salt), ends their sessions at once.
 *
 * <p>Immutable and thread-safe.
 */
public final class SessionTickets {
    /** How long a session lasts: a working day; then the client logs in again. */
    public static final Duration LIFETIME = Duration.ofHours(12);
    private static final String MAC = "HmacSHA256";
    private static final int MAX_LENGTH = 200;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final Clock clock;

    public SessionTickets(byte[] key, Clock clock) {
        this.key = key.clone();
        this.clock = clock;
    }

    /** A ticket for {@code user}, valid for {@link #LIFETIME} from now. */
    public String issue(UserCredential user) {
        long expiry = clock.instant().plus(LIFETIME).getEpochSecond();
        return user.name() + ":" + expiry + ":" + B64.encodeToString(mac(user, expiry));
    }

    /**
     * The user a ticket names, read without checking it (to find their credential for {@link #verify}).
     *
     * @throws AccessRefusedException when it is not shaped like a ticket
     */
    public static String holder(String ticket) throws AccessRefusedException {
        return parse(ticket).user;
    }

    /**
     * Checks that this service issued {@code ticket} for {@code user}'s current credential and that it has not expired.
     * The comparison of the HMACs takes constant time.
     */
    public void verify(String ticket, UserCredential user) throws AccessRefusedException {
        Parsed t = parse(ticket);
        byte[] expected = B64.encode(mac(user, t.expiry));
        if (!t.user.equals(user.name())
                || !MessageDigest.isEqual(expected, t.mac.getBytes(StandardCharsets.US_ASCII))) {
            throw new AccessRefusedException("the session ticket of " + t.user
                    + " is not valid (forged, or from before a PIN change); log in again");
        }
        if (clock.instant().getEpochSecond() >= t.expiry) {
            throw new AccessRefusedException("the session of " + t.user + " expired at "
                    + Instant.ofEpochSecond(t.expiry) + "; log in again");
        }
    }

    private byte[] mac(UserCredential user, long expiry) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(new SecretKeySpec(key, MAC));
            String signed = "shelf-session-v1\n" + user.name() + "\n" + expiry + "\n"
                    + Base64.getEncoder().encodeToString(user.salt());
            return mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " is not available in this JVM", e);
        }
    }

    private record Parsed(String user, long expiry, String mac) {
    }

    private static Parsed parse(String ticket) throws AccessRefusedException {
        String[] parts = ticket == null || ticket.length() > MAX_LENGTH ? new String[0] : ticket.split(":", -1);
        if (parts.length != 3 || !Usernames.isValid(parts[0]) || parts[2].isEmpty()) {
            throw new AccessRefusedException("not a session ticket; log in again");
        }
        try {
            return new Parsed(parts[0], Long.parseLong(parts[1]), parts[2]);
        } catch (NumberFormatException e) {
            throw new AccessRefusedException("not a session ticket; log in again");
        }
    }
}
