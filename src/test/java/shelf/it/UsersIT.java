package shelf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.library.HistoryRecord;
import shelf.library.Json;

/**
 * User authentication through the real entry points: {@code users add} writes the users file, a node started with
 * {@code users.file} in its configuration checks PINs and session tickets, and {@code RmiClient} reads its PIN from
 * {@code SHELF_PIN} or {@code --pin-file}.
 */
class UsersIT {
    private static final String MAIN = "shelf.cli.ShelfCommand";

    @Test
    void usersAddThenClientsWithTheirPins(@TempDir Path dir) throws Exception {
        try (ClusterFixture f = new ClusterFixture(dir, 1)) {
            Files.writeString(dir.resolve("nodes.properties"), "users.file=resources/users.json\n", StandardOpenOption.APPEND);
            Files.writeString(dir.resolve("bob.pin"), "1357\n");
            assertOk(run(dir, Map.of("ALICE_PIN", "2468"), MAIN, "users", "add", "alice", "--pin-env", "ALICE_PIN"));
            assertOk(run(dir, Map.of(), MAIN, "users", "add", "bob", "--pin-file", "bob.pin"));
            assertEquals("alice\nbob\n", run(dir, Map.of(), MAIN, "users", "list").out());
            Path users = dir.resolve("resources/users.json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));

            f.cluster.start(1);
            f.awaitAgreement(List.of(1));
            Map<String, String> alice = Map.of("SHELF_PIN", "2468");
            ClusterFixture.Run borrowed = run(dir, alice, "RmiClient", "-u", "alice", "-n", "1", "borrow", "3");
            assertOk(borrowed);
            assertTrue(borrowed.out().startsWith("alice borrowed book 3, due "), borrowed.out());
            ClusterFixture.Run loans = run(dir, alice, "RmiClient", "-u", "alice", "-n", "1", "--json", "loans");
            assertEquals(3, Json.MAPPER.readTree(loans.out()).get(0).get("id").asInt(), loans.toString());

            assertOneLine(run(dir, Map.of("SHELF_PIN", "0000"), "RmiClient", "-u", "alice", "-n", "1", "borrow", "4"), 1,
                    "wrong PIN for alice, or no such user");
            assertOneLine(run(dir, Map.of(), "RmiClient", "-u", "alice", "-n", "1", "borrow", "4"), 2,
                    "there is no console to ask alice's PIN on: give it with --pin-file FILE or the SHELF_PIN");
            assertOk(run(dir, Map.of(), "RmiClient", "-u", "carol", "-n", "1", "list"));
            assertOneLine(run(dir, Map.of(), "RmiClient", "-u", "bob", "-n", "1", "--pin-file", "bob.pin", "return", "3"), 1,
                    "refused: ");

            assertOk(run(dir, Map.of(), MAIN, "users", "remove", "alice"));
            assertOneLine(run(dir, alice, "RmiClient", "-u", "alice", "-n", "1", "return", "3"), 1,
                    "wrong PIN for alice, or no such user");

            List<HistoryRecord> history = f.history(1);
            assertEquals(1, history.size(), history.toString());
            assertEquals("alice", history.get(0).user());
            String nodeLog = Files.readString(dir.resolve("logs/node-1.log"));
            assertTrue(nodeLog.contains("node 1: user authentication is on: 2 users in resources/users.json"), nodeLog);
            assertTrue(nodeLog.contains("node 1: alice logged in ("), nodeLog);
            for (String log : List.of(nodeLog, Files.readString(dir.resolve("logs/client-alice.log")))) {
                assertFalse(log.contains("2468") || log.contains("1357"), "no PIN in a log");
            }
        }
    }

    private static void assertOk(ClusterFixture.Run r) {
        assertEquals(0, r.code(), r.toString());
    }

    private static void assertOneLine(ClusterFixture.Run r, int code, String expected) {
        assertEquals(code, r.code(), r.toString());
        // "waiting for node N ..." is progress, printed when a node takes over a second (a PIN check can): not an error line
        assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("waiting for node")).count(), "one line: " + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    /** An entry point of the jar in {@code dir}, with {@code env} added to (and no SHELF_PIN from) this JVM's environment. */
    private static ClusterFixture.Run run(Path dir, Map<String, String> env, String... args) throws Exception {
        ClusterFixture.Launch launch = ClusterFixture.Launch.of(args);
        List<String> command = launch.command();
        Path out = Files.createTempFile("shelf-run", ".out");
        Path err = Files.createTempFile("shelf-run", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().remove("SHELF_PIN");
        builder.environment().putAll(env);
        Process p = builder.start();
        int code = -1;
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("timed out: " + command + "\n" + Files.readString(err));
            }
            code = p.exitValue();
            return new ClusterFixture.Run(code, Files.readString(out), Files.readString(err));
        } finally {
            launch.settle(code);
            Files.delete(out);
            Files.delete(err);
        }
    }
}
