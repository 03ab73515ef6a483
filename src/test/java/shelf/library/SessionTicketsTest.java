package shelf.library;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Session tickets: issued by any node, checked by any node with one HMAC; tampered, stale and expired ones refused. */
class SessionTicketsTest {
    private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
    private final SecureRandom random = new SecureRandom();
    private final byte[] key = randomKey();
    private final UserCredential alice = UserCredential.create("alice", "2468".toCharArray(), random, UserCredentialTest.FAST);
    private final UserCredential bob = UserCredential.create("bob", "1357".toCharArray(), random, UserCredentialTest.FAST);

    private byte[] randomKey() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return k;
    }

    private SessionTickets at(Instant when) {
        return new SessionTickets(key, Clock.fixed(when, ZoneOffset.UTC));
    }

    @Test
    void aTicketIsValidOnEveryNodeWithTheSameKeyUntilItExpires() throws Exception {
        String ticket = at(NOW).issue(alice);
        assertEquals("alice", SessionTickets.holder(ticket));
        assertDoesNotThrow(() -> at(NOW).verify(ticket, alice));
        assertDoesNotThrow(() -> new SessionTickets(key.clone(), Clock.fixed(NOW, ZoneOffset.UTC)).verify(ticket, alice),
                "another node, another instance, the same cluster key");
        assertDoesNotThrow(() -> at(NOW.plus(SessionTickets.LIFETIME).minusSeconds(1)).verify(ticket, alice));
        AccessRefusedException e = assertThrows(AccessRefusedException.class,
                () -> at(NOW.plus(SessionTickets.LIFETIME)).verify(ticket, alice));
        assertEquals("the session of alice expired at 2026-12-01T21:00:00Z; log in again", e.getMessage());
        assertEquals(Duration.ofHours(12), SessionTickets.LIFETIME);
    }

    @Test
    void aTicketHoldsNoSecret() {
        String ticket = at(NOW).issue(alice);
        assertTrue(ticket.startsWith("alice:" + NOW.plus(SessionTickets.LIFETIME).getEpochSecond() + ":"), ticket);
        assertFalse(ticket.contains("2468"));
    }

    @Test
    void aTamperedTicketIsRefused() {
        String ticket = at(NOW).issue(alice);
        String[] parts = ticket.split(":");
        String laterExpiry = parts[0] + ":" + (Long.parseLong(parts[1]) + 86_400) + ":" + parts[2];
        String otherMac = parts[0] + ":" + parts[1] + ":" + (parts[2].charAt(0) == 'A' ? 'B' : 'A') + parts[2].substring(1);
        String asBob = "bob:" + parts[1] + ":" + parts[2];
        for (String forged : new String[] {laterExpiry, otherMac}) {
            AccessRefusedException e = assertThrows(AccessRefusedException.class, () -> at(NOW).verify(forged, alice));
            assertEquals("the session ticket of alice is not valid (forged, or from before a PIN change); log in again",
                    e.getMessage());
        }
        assertThrows(AccessRefusedException.class, () -> at(NOW).verify(asBob, bob), "alice's MAC does not make bob's ticket");
        assertThrows(AccessRefusedException.class, () -> at(NOW).verify(ticket, bob), "checked against another's credential");
    }

    @Test
    void aTicketSignedWithAnotherKeyIsRefused() {
        String foreign = new SessionTickets(randomKey(), Clock.fixed(NOW, ZoneOffset.UTC)).issue(alice);
        assertThrows(AccessRefusedException.class, () -> at(NOW).verify(foreign, alice));
    }

    @Test
    void aNewPinEndsTheOldSessions() {
        String ticket = at(NOW).issue(alice);
        UserCredential newPin = UserCredential.create("alice", "9999".toCharArray(), random, UserCredentialTest.FAST);
        assertThrows(AccessRefusedException.class, () -> at(NOW).verify(ticket, newPin));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"alice", "alice:1", "alice:x:abc", "a b:1:abc", "alice:1:", "alice:1:abc:def", ":1:abc"})
    void somethingThatIsNotATicketIsRefused(String ticket) {
        AccessRefusedException e = assertThrows(AccessRefusedException.class, () -> at(NOW).verify(ticket, alice));
        assertEquals("not a session ticket; log in again", e.getMessage());
        assertThrows(AccessRefusedException.class, () -> SessionTickets.holder(ticket));
    }

    @Test
    void anOverlongTicketIsRefusedBeforeParsing() {
        assertThrows(AccessRefusedException.class, () -> SessionTickets.holder("alice:1:" + "A".repeat(500)));
    }
}
