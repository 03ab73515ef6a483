package shelf.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The users file: owner-only, replaced atomically, read again when it changes, and strict about its contents. */
class FileUserDirectoryTest {
    private static final String KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    private static final String SALT = "AAAAAAAAAAAAAAAAAAAAAA==";
    private static final String ALICE = "{\"name\":\"alice\",\"algorithm\":\"PBKDF2WithHmacSHA256\",\"iterations\":1000,"
            + "\"salt\":\"" + SALT + "\",\"hash\":\"" + KEY + "\"}";
    private static final String BAD_NAME = "{\"name\":\"a b\",\"algorithm\":\"PBKDF2WithHmacSHA256\",\"iterations\":1000,"
            + "\"salt\":\"" + SALT + "\",\"hash\":\"" + KEY + "\"}";
    private static final String MD5 = "{\"name\":\"alice\",\"algorithm\":\"MD5\",\"iterations\":1000,"
            + "\"salt\":\"" + SALT + "\",\"hash\":\"" + KEY + "\"}";

    @TempDir
    Path dir;
    private Path file;
    private FileUserDirectory users;
    private final SecureRandom random = new SecureRandom();

    @BeforeEach
    void open() {
        file = dir.resolve("resources").resolve("users.json");
        users = new FileUserDirectory(file, random);
    }

    private UserCredential credential(String name) {
        return UserCredential.create(name, "2468".toCharArray(), random, UserCredentialTest.FAST);
    }

    @Test
    void addFindListRemove() throws Exception {
        assertEquals(List.of(), users.names(), "no file yet: no users");
        assertTrue(users.find("alice").isEmpty());
        StoreException none = assertThrows(StoreException.class, users::sessionKey);
        assertTrue(none.getMessage().endsWith("users.json does not exist: add a user first (users add <name>)"),
                none.getMessage());

        UserCredential alice = credential("alice");
        assertTrue(users.add(credential("bob")));
        assertTrue(users.add(alice));
        assertFalse(users.add(credential("alice")), "a name is taken once");
        assertEquals(List.of("alice", "bob"), users.names());
        assertEquals(alice, users.find("alice").orElseThrow());
        byte[] key = users.sessionKey();
        assertEquals(32, key.length);

        assertTrue(users.remove("bob"));
        assertFalse(users.remove("bob"));
        assertEquals(List.of("alice"), users.names());
        assertTrue(Arrays.equals(key, users.sessionKey()), "the session key outlives changes to the users");
    }

    @Test
    void theFileAndItsLockAreOwnerOnly() throws Exception {
        users.add(credential("alice"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Path lock = dir.resolve("resources/users.json.lock");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lock)));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        users.add(credential("bob"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "a rewrite makes a file someone opened up owner-only again");
    }

    @Test
    void aChangeReplacesTheFileAtomicallyAndLeavesNoTemporaryFile() throws Exception {
        users.add(credential("alice"));
        Object before = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        users.add(credential("bob"));
        Object after = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        assertNotEquals(before, after, "a new file renamed over the old one, not the old one rewritten in place");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of("users.json", "users.json.lock"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void anotherWritersChangeIsSeenAtTheNextRead() throws Exception {
        FileUserDirectory node = new FileUserDirectory(file, random);
        assertEquals(List.of(), node.names());
        users.add(credential("alice"));
        assertEquals(List.of("alice"), node.names());
        users.remove("alice");
        assertTrue(node.find("alice").isEmpty());
        assertTrue(new FileUserDirectory(file, random).add(credential("bob")));
        assertEquals(List.of("bob"), users.names(), "a writer adds to what another wrote, under the lock");
    }

    @Test
    void theFileHoldsHashesNotPins() throws Exception {
        users.add(UserCredential.create("alice", "2468-secret".toCharArray(), random, UserCredentialTest.FAST));
        String text = Files.readString(file);
        assertFalse(text.contains("2468-secret"));
        assertTrue(text.contains("\"sessionKey\"") && text.contains("\"salt\"") && text.contains("\"hash\""), text);
    }

    @Test
    void aCorruptFileIsOneLineThatQuotesNothingOfIt() throws Exception {
        users.add(credential("alice"));
        String text = Files.readString(file);
        Files.writeString(file, text.replaceFirst("\"hash\" : \"[^\"]*\"", "\"hash\" : SECRETISH"));
        StoreException e = assertThrows(StoreException.class, () -> new FileUserDirectory(file, random).names());
        assertTrue(e.getMessage().startsWith(file + ": not a valid users file (line "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertFalse(e.getMessage().contains("SECRETISH"), "the parser's message would quote the file: " + e.getMessage());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{\"format\":2,\"sessionKey\":\"" + KEY + "\",\"users\":[]}             | expected \"format\": 1",
        "{\"format\":1,\"users\":[]}                                            | the session key is missing",
        "{\"format\":1,\"sessionKey\":\"" + KEY + "\"}                          | no \"users\" list",
        "{\"format\":1,\"sessionKey\":\"" + KEY + "\",\"users\":[" + ALICE + "," + ALICE + "]} | user 2 (alice): listed twice",
        "{\"format\":1,\"sessionKey\":\"" + KEY + "\",\"users\":[" + BAD_NAME + "]}  | user 1: not a valid user name",
        "{\"format\":1,\"sessionKey\":\"" + KEY + "\",\"users\":[" + MD5 + "]}       | user 1 (alice): unknown algorithm",
        "[]                                                                         | not a valid users file (line 1",
    })
    void aMalformedFileNamesTheProblem(String contents, String problem) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, contents);
        StoreException e = assertThrows(StoreException.class, () -> users.find("alice"));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertThrows(StoreException.class, () -> users.add(credential("bob")), "and is not overwritten");
        assertEquals(contents, Files.readString(file));
    }
}
