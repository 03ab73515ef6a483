package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import shelf.api.LibraryService;
import shelf.cluster.LocalCluster;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.Outcome;
import shelf.library.Page;
import shelf.util.ExitCodes;

/**
 * Issue 14, item 9: a client does not trust what a node answers. A rogue server in this JVM answers {@code list} with
 * a HashSet bomb (hashing it takes 2^100 steps: the client sat at 100 % CPU until killed); the client refuses to read
 * it and ends with one line and exit 3. The timeout only keeps a regression from hanging the build.
 */
class RogueNodeTest {
    @TempDir
    Path dir;

    /** Sets nested 100 deep, each holding two sets that hold the next two: deserializing it hashes 2^100 times. */
    static Set<Object> hashSetBomb() {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("foo"); // t1 unequal to t2
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    /** Answers {@code list} with the bomb in place of a book. */
    static final class Rogue implements LibraryService {
        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public List<Book> list() {
            return (List) List.of(hashSetBomb());
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Page<Book> list(int afterId, int limit) {
            return new Page(List.of(hashSetBomb()), false);
        }

        @Override
        public boolean authenticationRequired() {
            return false;
        }

        @Override
        public String login(String user, String pin) {
            return "";
        }

        @Override
        public Outcome execute(Command command, String ticket) {
            return null;
        }

        @Override
        public Outcome execute(Command command) {
            return null;
        }

        @Override
        public List<Book> loans(String user, String ticket) {
            return List.of();
        }

        @Override
        public List<Book> loans(String user) {
            return List.of();
        }

        @Override
        public List<HistoryRecord> history(Integer bookId) {
            return List.of();
        }

        @Override
        public Page<HistoryRecord> history(Integer bookId, long afterSeq, int limit) {
            return new Page<>(List.of(), false);
        }
    }

    @Test
    @Timeout(120)
    void aClientRefusesAHashSetBombFromARogueNodeWithOneLineAndExit3() throws Exception {
        int port = LocalCluster.freePorts(1).get(0);
        Registry registry = LocateRegistry.createRegistry(port);
        Rogue rogue = new Rogue();
        registry.rebind(LibraryService.NAME, UnicastRemoteObject.exportObject(rogue, port));
        Path config = Files.write(dir.resolve("nodes.properties"), List.of("node.1=127.0.0.1:" + port, "tls=off"));
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine line = Cli.commandLine(new ClientCommand());
            line.setErr(new PrintWriter(new StringWriter(), true));
            code = line.execute("--config", config.toString(), "-u", "alice", "-n", "1", "--no-failover", "list");
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            UnicastRemoteObject.unexportObject(rogue, true);
            UnicastRemoteObject.unexportObject(registry, true);
        }
        String said = err.toString(StandardCharsets.UTF_8).strip();
        assertEquals(ExitCodes.UNAVAILABLE, code, said);
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.contains("node 1 at 127.0.0.1:" + port + " sent an answer this client refused to read"), said);
    }
}
