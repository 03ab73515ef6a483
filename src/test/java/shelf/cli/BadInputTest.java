package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import shelf.cluster.ClusterLock;
import shelf.config.ClusterConfig;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.FileLibraryStore;
import shelf.library.LibraryFiles;
import shelf.library.Op;
import shelf.library.SampleCatalog;
import shelf.tls.Role;
import shelf.tls.TlsFiles;

/** Bad input on the command line: one line on stderr, the documented exit code (2 for usage), nothing lost. */
class BadInputTest {
    /** A bench mistake is refused before any node starts; without the check a benchmark runs for minutes. */
    private static final Duration AT_ONCE = Duration.ofSeconds(20);

    record Run(int code, String err) {
    }

    private static Run run(Object command, String... args) {
        return run(Cli.commandLine(command), args);
    }

    /** {@code java -jar shelf.jar ARGS}: the jar's command line, as its main builds it for these arguments. */
    private static Run shelf(String... args) {
        return run(ShelfCommand.commandLine(args), args);
    }

    private static Run run(CommandLine line, String... args) {
        StringWriter err = new StringWriter();
        line.setErr(new PrintWriter(err, true));
        line.setOut(new PrintWriter(new StringWriter(), true));
        return new Run(line.execute(args), err.toString());
    }

    private static void assertOneLine(Run r, int code, String expected) {
        assertEquals(code, r.code(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    private static void fiveRecords(Path dir) throws Exception {
        new LibraryFiles(dir).create(SampleCatalog.books(10));
        try (FileLibraryStore store = FileLibraryStore.open(dir, Clock.systemUTC(), 14, "test")) {
            for (int book = 1; book <= 5; book++) {
                store.apply(new FencingToken(1, book), 1, List.of(new Command(UUID.randomUUID().toString(), Op.BORROW, book,
                        "alice")));
            }
        }
    }

    @Test
    void createBooksNeverErasesLoanRecordsWithoutForceWhateverElseIsMissing(@TempDir Path dir) throws Exception {
        Path lib = dir.resolve("resources");
        fiveRecords(lib);
        LibraryFiles files = new LibraryFiles(lib);
        Files.delete(files.catalog());
        assertOneLine(run(new InitCommand(), "--dir", lib.toString()), 1,
                "history.log has 5 loan records; refusing to erase them (use --force to start over)");
        assertEquals(5, Files.readAllLines(files.history()).size(), "nothing was lost");
        assertEquals(0, run(new InitCommand(), "--dir", lib.toString(), "--force").code());
        assertEquals(0, Files.size(files.history()));
    }

    @Test
    void createBooksNeverReplacesALibraryUnderRunningNodesEvenWithForce(@TempDir Path dir) throws Exception {
        Path lib = dir.resolve("resources");
        fiveRecords(lib);
        LibraryFiles files = new LibraryFiles(lib);
        ClusterLock cluster = ClusterLock.acquire(dir); // a cluster process runs this folder
        try {
            assertOneLine(run(new InitCommand(), "--dir", lib.toString(), "--force"), 1, "a cluster is running in " + dir);
        } finally {
            cluster.close();
        }
        try (ServerSocket node2 = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { // a node started by hand
            Path config = Files.writeString(dir.resolve("nodes.properties"),
                    "node.1=127.0.0.1:1\nnode.2=127.0.0.1:" + node2.getLocalPort() + "\n");
            assertOneLine(run(new InitCommand(), "--config", config.toString(), "--dir", lib.toString(), "--force"), 1,
                    "node 2 is running (127.0.0.1:" + node2.getLocalPort() + " answers) on the library in " + lib);
        }
        assertEquals(5, Files.readAllLines(files.history()).size(), "nothing was lost");
        assertEquals(0, run(new InitCommand(), "--config", dir.resolve("nodes.properties").toString(), "--dir", lib.toString(),
                "--force").code(), "with every node stopped");
    }

    @Test
    void clusterWithANodeNamedTwiceStartsNothing(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("nodes.properties"), "node.1=127.0.0.1:1\nnode.2=127.0.0.1:2\n");
        assertOneLine(run(new ClusterCommand(), "--config", config.toString(), "--nodes", "1,2,1"), 2,
                "--nodes names node 1 twice: give each node once, e.g. --nodes 1,2");
    }

    @Test
    void clusterWithUsersInADatabaseItDoesNotHaveStartsNothing(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("nodes.properties"), "node.1=127.0.0.1:1\nusers=postgresql\n");
        assertOneLine(run(new ClusterCommand(), "--config", config.toString()), 2, "users=postgresql keeps the users in the"
                + " library's database: start the cluster with --store postgresql");
    }

    @Test
    void aCommandLineMistakeUnderJsonIsAlsoOneDocumentOnStdout() {
        for (Object command : new Object[] {new ClientCommand(), new AdminCommand()}) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine line = Cli.commandLine(command);
            line.setOut(new PrintWriter(out, true));
            line.setErr(new PrintWriter(err, true));
            assertEquals(2, line.execute("--json", "--timeout", "abc", "status"), err.toString());
            assertEquals(1, err.toString().strip().lines().count(), "one line: " + err);
            String doc = out.toString().strip();
            assertEquals(1, doc.lines().count(), doc);
            assertTrue(doc.startsWith("{\"ok\":false,\"error\":\"usage\",\"message\":\"") && doc.contains("abc"), doc);
        }
        StringWriter out = new StringWriter();
        CommandLine line = Cli.commandLine(new ClientCommand());
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(new StringWriter(), true));
        assertEquals(2, line.execute("--timeout", "abc", "list"));
        assertEquals("", out.toString(), "without --json stdout stays empty");
    }

    @Test
    void initWritesANewClustersConfigurationOnlyWhereThereIsNone(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("nodes.properties");
        Path lib = dir.resolve("resources");
        assertEquals(0, run(new InitCommand(), "--nodes", "3", "--config", config.toString(), "--dir", lib.toString()).code());
        ClusterConfig written = ClusterConfig.load(config);
        assertEquals(List.of(1, 2, 3), List.copyOf(written.ids()));
        assertEquals("127.0.0.1:5003", written.node(3).orElseThrow().toString());
        assertTrue(written.events().on(), "events on, as the project's own file");
        assertTrue(TlsFiles.under(lib).has(Role.NODE, 3), "keys for the nodes it wrote");
        String before = Files.readString(config);
        assertOneLine(run(new InitCommand(), "--nodes", "5", "--config", config.toString(), "--dir", lib.toString()), 1,
                "nodes.properties exists: refusing to replace it");
        assertEquals(before, Files.readString(config), "the file as it was");
        assertOneLine(run(new InitCommand(), "--nodes", "0", "--config", dir.resolve("x.properties").toString(), "--dir",
                lib.toString()), 2, "--nodes must be between 1 and 100, got 0");
        assertFalse(Files.exists(dir.resolve("x.properties")));
        Path deeper = dir.resolve("new/folder/nodes.properties");
        assertEquals(0, run(new InitCommand(), "--nodes", "1", "--config", deeper.toString(), "--dir", lib.toString()).code());
        assertEquals(List.of(1), List.copyOf(ClusterConfig.load(deeper).ids()), "its folder created");
    }

    @Test
    void createBooksNeedsAFolder(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("afile"), "not a folder");
        assertOneLine(run(new InitCommand(), "--dir", file.toString()), 2, "--resources " + file + " is a file, not a folder");
        assertOneLine(run(new InitCommand(), "--dir", ""), 2, "--resources needs a folder name");
        assertFalse(Files.exists(Path.of(LibraryFiles.CATALOG)), "nothing written into the current folder");
    }

    @Test
    void adminWithoutAnOperationIsAUsageError() {
        assertOneLine(run(new AdminCommand()), 2, "choose an operation: ");
    }

    @Test
    void electionSizesNeedACoordinatorToCrashAndANodeToElect() {
        assertTimeoutPreemptively(AT_ONCE, () -> {
            assertOneLine(shelf("bench", "election", "--sizes", "1", "--rmi-sizes", "1"), 2,
                    "--sizes: each cluster size must be between 2 and 1000");
            assertOneLine(shelf("bench", "election", "--sizes", "0"), 2,
                    "--sizes: each cluster size must be between 2 and 1000");
            assertOneLine(shelf("bench", "election", "--sizes", "5", "--rmi-sizes", "1"), 2,
                    "--rmi-sizes: each cluster size must be between 2 and 50");
        });
    }

    @Test
    void failoverTimesMustBePositive() {
        assertTimeoutPreemptively(AT_ONCE, () -> assertOneLine(shelf("bench", "failover", "--times", "-1"), 2,
                "--times must be between 1 and 1000, got -1"));
    }

    @Test
    void anUnknownNodeLogLevelIsRefusedBeforeAnyNodeStarts() {
        assertTimeoutPreemptively(AT_ONCE, () -> {
            for (String bench : List.of("lock", "library", "failover", "election")) {
                assertOneLine(shelf("bench", bench, "--node-log-level", "FROB"), 2,
                        "expected one of [DEBUG, INFO, WARN]");
            }
        });
    }

    @Test
    void benchWithoutABenchmarkIsAUsageError() {
        assertOneLine(shelf("bench"), 2, "choose a benchmark: lock, library, failover, election");
    }

    @Test
    void aNodeIdGivenTwiceIsAUsageError(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("nodes.properties"), "node.1=192.0.2.1:17601\n");
        assertOneLine(run(new NodeCommand(), "-i", "1", "2", "--config", config.toString()), 2,
                "the node id is given twice (-i 1 and 2)");
        assertOneLine(run(new NodeCommand(), "1", "17601", "-p", "17601", "--config", config.toString()), 2,
                "the port is given twice");
    }

    @Test
    void aNodeWhoseAddressIsNotOnThisMachineSaysSo(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("nodes.properties"), "node.1=192.0.2.1:17601\n");
        assertOneLine(run(new NodeCommand(), "1", "--config", config.toString()), 2,
                "node 1's address 192.0.2.1:17601 in " + config + " is not on this machine");
    }

    @Test
    void aMistakeOnTheCommandLineQuotesWhatWasTypedClippedAndVisible() {
        Run huge = run(new ClientCommand(), "-u", "alice", "-n", "1", "--timeout", "x".repeat(100_000), "list");
        assertOneLine(huge, 2, "Invalid value for option '--timeout': 'xxxx");
        assertTrue(huge.err().length() < 500, huge.err());
        assertTrue(huge.err().contains("... (1000"), huge.err());
        Run escape = run(new ClientCommand(), "-u", "al\u001B[2Jice", "-n", "1", "list");
        assertOneLine(escape, 2, "invalid user name 'al\\u001B[2Jice'");
    }
}
