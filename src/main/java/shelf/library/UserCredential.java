package shelf.library;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A library user as the users store keeps them: the name and a salted slow hash of their PIN (PBKDF2 from the JDK),
 * never the PIN. The algorithm and iteration count are kept with each entry, so they can be raised for new entries
 * without invalidating old ones.
 *
 * @param name       a user name ({@link Usernames})
 * @param algorithm  the JDK's name of the key derivation, {@value #ALGORITHM}
 * @param iterations PBKDF2's iteration count
 * @param salt       random, {@value #SALT_BYTES} bytes, different for every entry
 * @param hash       PBKDF2(PIN, salt, iterations), {@value #HASH_BYTES} bytes
 */
public record UserCredential(String name, String algorithm, int iterations, byte[] salt, byte[] hash) {
    public static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    /**
     * OWASP's Password Storage Cheat Sheet (2023) asks for 600,000 iterations of PBKDF2-HMAC-SHA256 (its 210,000 are
     * for HMAC-SHA512). One check then takes a few hundred milliseconds of one core, once per client session.
     */
    public static final int ITERATIONS = 600_000;
    public static final int SALT_BYTES = 16;
    public static final int HASH_BYTES = 32;
    /** A bound on one PIN check's cost, whatever the users store says: about 17 times the default. */
    public static final int MAX_ITERATIONS = 10_000_000;
    /** The PIN lengths {@code users add} accepts. */
    public static final int MIN_PIN = 4;
    public static final int MAX_PIN = 1024;

    /** Hashes a new PIN with a fresh salt from {@code random} and {@link #ITERATIONS}. */
    public static UserCredential create(String name, char[] pin, SecureRandom random) {
        return create(name, pin, random, ITERATIONS);
    }

    /** Hashes a new PIN with a fresh salt and the given cost (tests use a lower one, to run fast). */
    public static UserCredential create(String name, char[] pin, SecureRandom random, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new UserCredential(Usernames.check(name), ALGORITHM, iterations, salt, derive(ALGORITHM, pin, salt, iterations));
    }

    /**
     * What is wrong with an entry read from a users store (a file or a table anyone with access may have edited), or
     * null when nothing is: a name, a known algorithm, a bounded cost, a salt and a hash of the right sizes.
     */
    public static String problem(UserCredential u) {
        if (!Usernames.isValid(u.name())) {
            return "not a valid user name";
        }
        if (!UserCredential.ALGORITHM.equals(u.algorithm())) {
            return "unknown algorithm (expected " + UserCredential.ALGORITHM + ")";
        }
        if (u.iterations() < 1 || u.iterations() > MAX_ITERATIONS) {
            return "iterations must be between 1 and " + MAX_ITERATIONS;
        }
        if (u.salt() == null || u.salt().length < UserCredential.SALT_BYTES) {
            return "the salt is missing or shorter than " + UserCredential.SALT_BYTES + " bytes";
        }
        if (u.hash() == null || u.hash().length != UserCredential.HASH_BYTES) {
            return "the hash is missing or not " + UserCredential.HASH_BYTES + " bytes";
        }
        return null;
    }

    /** Whether {@code pin} is this user's: the slow hash, then a comparison in constant time. */
    public boolean matches(char[] pin) {
        if (pin == null || pin.length == 0 || pin.length > MAX_PIN) {
            return false;
        }
        return MessageDigest.isEqual(hash, derive(algorithm, pin, salt, iterations));
    }

    private static byte[] derive(String algorithm, char[] pin, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(pin, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(algorithm).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // Every JDK 8+ has PBKDF2WithHmacSHA256; the store refuses entries with another algorithm.
            throw new IllegalStateException(algorithm + " is not available in this JVM", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Never the salt or the hash: a credential may end up in a log line. */
    @Override
    public String toString() {
        return "UserCredential[" + name + ", " + algorithm + ", " + iterations + " iterations]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserCredential c && name.equals(c.name) && algorithm.equals(c.algorithm)
                && iterations == c.iterations && Arrays.equals(salt, c.salt) && Arrays.equals(hash, c.hash);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
