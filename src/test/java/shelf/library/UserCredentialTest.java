package shelf.library;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PIN hash: PBKDF2 from the JDK, salted per entry, compared in constant time. */
class UserCredentialTest {
    /** Fast enough for tests; the store keeps the count per entry, so any count is checked the same way. */
    static final int FAST = 1_000;
    private final SecureRandom random = new SecureRandom();

    @Test
    void theRightPinMatchesAndAWrongOneDoesNot() {
        UserCredential alice = UserCredential.create("alice", "2468".toCharArray(), random, FAST);
        assertTrue(alice.matches("2468".toCharArray()));
        assertFalse(alice.matches("2469".toCharArray()));
        assertFalse(alice.matches("24680".toCharArray()));
        assertFalse(alice.matches(new char[0]));
        assertFalse(alice.matches(null));
        assertFalse(alice.matches(new char[UserCredential.MAX_PIN + 1]), "an absurdly long PIN is not even hashed");
    }

    @Test
    void everyEntryHasItsOwnSaltSoTheSamePinHashesDifferently() {
        UserCredential a = UserCredential.create("alice", "2468".toCharArray(), random, FAST);
        UserCredential b = UserCredential.create("bob", "2468".toCharArray(), random, FAST);
        UserCredential again = UserCredential.create("alice", "2468".toCharArray(), random, FAST);
        assertEquals(UserCredential.SALT_BYTES, a.salt().length);
        assertEquals(UserCredential.HASH_BYTES, a.hash().length);
        assertFalse(Arrays.equals(a.salt(), b.salt()));
        assertFalse(Arrays.equals(a.hash(), b.hash()));
        assertFalse(Arrays.equals(a.hash(), again.hash()));
        assertNotEquals(a, again);
        assertTrue(again.matches("2468".toCharArray()));
    }

    @Test
    void newEntriesUsePbkdf2Sha256AtOwaspsCount() {
        assertEquals("PBKDF2WithHmacSHA256", UserCredential.ALGORITHM);
        assertEquals(600_000, UserCredential.ITERATIONS);
        UserCredential c = UserCredential.create("alice", "2468".toCharArray(), random, FAST);
        assertEquals(UserCredential.ALGORITHM, c.algorithm());
        assertEquals(FAST, c.iterations());
    }

    /** RFC 7914 §11, PBKDF2-HMAC-SHA256 test vector 1 (P "passwd", S "salt", c 1): the first 32 bytes of its output. */
    @Test
    void theHashIsStandardPbkdf2() {
        byte[] expected = HexFormat.of().parseHex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
        UserCredential vector = new UserCredential("alice", UserCredential.ALGORITHM, 1,
                "salt".getBytes(StandardCharsets.US_ASCII), expected);
        assertTrue(vector.matches("passwd".toCharArray()));
        assertArrayEquals(expected, vector.hash());
    }

    /** Timing cannot be tested reliably, so the bytecode is: the checks compare with MessageDigest.isEqual, only. */
    @Test
    void pinsAndTicketsAreComparedInConstantTime() {
        assertComparesInConstantTime(new ClassFileImporter().importClass(UserCredential.class)
                .getMethod("matches", char[].class));
        assertComparesInConstantTime(new ClassFileImporter().importClass(SessionTickets.class)
                .getMethod("verify", String.class, UserCredential.class));
    }

    private static void assertComparesInConstantTime(JavaMethod method) {
        List<String> calls = method.getMethodCallsFromSelf().stream().map(JavaMethodCall::getTarget)
                .map(t -> t.getOwner().getName() + "." + t.getName()).toList();
        assertTrue(calls.contains(MessageDigest.class.getName() + ".isEqual"), method + ": " + calls);
        assertFalse(calls.contains(Arrays.class.getName() + ".equals"), method + ": " + calls);
    }

    @Test
    void aCredentialNeverPrintsItsSaltOrHash() {
        UserCredential c = UserCredential.create("alice", "2468".toCharArray(), random, FAST);
        assertEquals("UserCredential[alice, PBKDF2WithHmacSHA256, 1000 iterations]", c.toString());
    }

    @Test
    void aBadNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> UserCredential.create("a b", "2468".toCharArray(), random, FAST));
    }
}
