package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import shelf.library.FileUserDirectory;
import shelf.library.UserCredential;

/**
 * {@code shelf users add|remove|list}: the users file it writes, its one-line errors and its exit codes (literal here,
 * as scripts see them).
 */
class UsersCommandTest {
    @TempDir
    Path dir;
    private Path config;
    private Path usersFile;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writeConfiguration() throws Exception {
        usersFile = dir.resolve("resources").resolve("users.json");
        config = Files.write(dir.resolve("nodes.properties"), List.of("node.1=127.0.0.1:5001", "users.file=" + usersFile));
        Files.writeString(dir.resolve("alice.pin"), "2468\n");
    }

    private int users(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        UsersCommand command = new UsersCommand();
        command.console = null;
        command.env = Map.of("BOB_PIN", "1357", "EMPTY", "");
        command.iterations = 1_000;
        CommandLine line = Cli.commandLine(command);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return line.execute(args);
    }

    private void assertOneLine(int code, String expected, String... args) {
        assertEquals(code, users(args), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains(expected), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void addListRemove() throws Exception {
        assertEquals(0, users("add", "alice", "--pin-file", dir.resolve("alice.pin").toString(), "--config", config.toString()));
        assertEquals("added alice to " + usersFile + "\n", out.toString());
        assertEquals(0, users("--config", config.toString(), "add", "bob", "--pin-env", "BOB_PIN"));
        assertEquals(0, users("list", "--config", config.toString()));
        assertEquals("alice\nbob\n", out.toString());
        assertEquals("", err.toString());

        FileUserDirectory written = new FileUserDirectory(usersFile, new SecureRandom());
        UserCredential alice = written.find("alice").orElseThrow();
        assertTrue(alice.matches("2468".toCharArray()), "the newline ends the PIN file's PIN");
        assertTrue(written.find("bob").orElseThrow().matches("1357".toCharArray()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(usersFile)));
        assertTrue(!Files.readString(usersFile).contains("2468"));

        assertEquals(0, users("remove", "alice", "--config", config.toString()));
        assertEquals("removed alice from " + usersFile + "\n", out.toString());
        assertEquals(0, users("list", "--config", config.toString()));
        assertEquals("bob\n", out.toString());
    }

    @Test
    void refusals() {
        assertEquals(0, users("add", "alice", "--pin-file", dir.resolve("alice.pin").toString(), "--config", config.toString()));
        assertOneLine(1, "alice is already a user in " + usersFile, "add", "alice", "--pin-env", "BOB_PIN",
                "--config", config.toString());
        assertOneLine(1, "no user carol in " + usersFile, "remove", "carol", "--config", config.toString());
    }

    @Test
    void usageErrors() throws Exception {
        String c = config.toString();
        assertOneLine(2, "invalid user name 'a b'", "add", "a b", "--pin-env", "BOB_PIN", "--config", c);
        assertOneLine(2, "invalid user name '../x'", "remove", "../x", "--config", c);
        assertOneLine(2, "no console to ask alice's PIN on: give it with --pin-file FILE or --pin-env VAR", "add", "alice",
                "--config", c);
        assertOneLine(2, "not both", "add", "alice", "--pin-env", "BOB_PIN", "--pin-file", "x", "--config", c);
        assertOneLine(2, "environment variable NOPE is not set", "add", "alice", "--pin-env", "NOPE", "--config", c);
        assertOneLine(2, "environment variable EMPTY is empty", "add", "alice", "--pin-env", "EMPTY", "--config", c);
        Files.writeString(dir.resolve("short.pin"), "123");
        assertOneLine(2, "a PIN has 4 to 1024 characters, this one 3", "add", "alice", "--pin-file",
                dir.resolve("short.pin").toString(), "--config", c);
        assertOneLine(2, "Missing required parameter: 'NAME'", "add", "--config", c);
        assertOneLine(2, "configuration file not found", "list", "--config", dir.resolve("none.properties").toString());
        Path off = Files.write(dir.resolve("off.properties"), List.of("node.1=127.0.0.1:5001"));
        assertOneLine(2, "user authentication is off in " + off + ": add users.file=resources/users.json to it first",
                "list", "--config", off.toString());
        assertTrue(Files.notExists(usersFile), "nothing was written");
    }

    @Test
    void aCorruptUsersFileIsOneLineAndExitOne() throws Exception {
        Files.createDirectories(usersFile.getParent());
        Files.writeString(usersFile, "{\"format\":1,\"users\":[");
        assertOneLine(1, usersFile + ": not a valid users file", "list", "--config", config.toString());
        assertOneLine(1, usersFile + ": not a valid users file", "add", "bob", "--pin-env", "BOB_PIN",
                "--config", config.toString());
        assertEquals("{\"format\":1,\"users\":[", Files.readString(usersFile), "left as it was");
    }
}
