package shelf.library;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logging in once with the PIN, then acting only as oneself, on any node that reads the same users file. */
class UserAuthenticationTest {
    @TempDir
    Path dir;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T09:00:00Z"), ZoneOffset.UTC);
    private FileUserDirectory users;
    /** Two nodes: each its own instance over the one shared file. */
    private UserAuthentication node2;
    private UserAuthentication node4;

    @BeforeEach
    void addUsers() throws Exception {
        Path file = dir.resolve("users.json");
        users = new FileUserDirectory(file, random);
        users.add(credential("alice", "2468"));
        users.add(credential("bob", "1357"));
        node2 = new UserAuthentication(new FileUserDirectory(file, random), clock);
        node4 = new UserAuthentication(new FileUserDirectory(file, random), clock);
    }

    private UserCredential credential(String name, String pin) {
        return UserCredential.create(name, pin.toCharArray(), random, UserCredentialTest.FAST);
    }

    @Test
    void aTicketFromOneNodeLetsItsUserActOnAnother() throws Exception {
        String ticket = node2.login("alice", "2468".toCharArray());
        assertDoesNotThrow(() -> node4.authorize(ticket, "alice"), "after a failover from node 2 to node 4");
        assertDoesNotThrow(() -> node2.authorize(ticket, "alice"));
    }

    @Test
    void aTicketNeverActsForAnotherUser() throws Exception {
        String ticket = node2.login("alice", "2468".toCharArray());
        AccessRefusedException e = assertThrows(AccessRefusedException.class, () -> node4.authorize(ticket, "bob"));
        assertEquals("the session of alice cannot act for bob", e.getMessage());
    }

    @Test
    void aWrongPinAndAnUnknownUserGetTheSameAnswer() {
        AccessRefusedException wrong = assertThrows(AccessRefusedException.class,
                () -> node2.login("alice", "1357".toCharArray()));
        assertEquals("wrong PIN for alice, or no such user", wrong.getMessage());
        AccessRefusedException unknown = assertThrows(AccessRefusedException.class,
                () -> node2.login("carol", "1357".toCharArray()));
        assertEquals("wrong PIN for carol, or no such user", unknown.getMessage());
    }

    @Test
    void withoutATicketNothingIsAllowed() {
        for (String none : new String[] {null, ""}) {
            AccessRefusedException e = assertThrows(AccessRefusedException.class, () -> node2.authorize(none, "alice"));
            assertEquals("user authentication is on: log in first", e.getMessage());
        }
    }

    @Test
    void removingAUserOrGivingANewPinEndsTheirSessionsAtOnce() throws Exception {
        String alices = node2.login("alice", "2468".toCharArray());
        String bobs = node2.login("bob", "1357".toCharArray());
        assertTrue(users.remove("alice"));
        AccessRefusedException e = assertThrows(AccessRefusedException.class, () -> node4.authorize(alices, "alice"));
        assertEquals("alice is not a library user any more", e.getMessage());
        assertTrue(users.remove("bob"));
        users.add(credential("bob", "8642"));
        assertThrows(AccessRefusedException.class, () -> node4.authorize(bobs, "bob"));
        assertDoesNotThrow(() -> node4.authorize(node2.login("bob", "8642".toCharArray()), "bob"));
    }

    @Test
    void anUnreadableUsersFileIsAStoreErrorNotARefusal() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("users.json"), "{\"format\":1,");
        assertThrows(StoreException.class, () -> node2.login("alice", "2468".toCharArray()));
        assertThrows(StoreException.class, () -> node2.authorize("alice:1:abc", "alice"));
    }
}
