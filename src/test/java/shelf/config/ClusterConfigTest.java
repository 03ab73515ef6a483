package shelf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterConfigTest {

    @Test
    void connectionLimitsHaveDefaultsAndAreCheckedLikeEveryOtherSetting() throws Exception {
        assertEquals(ConnectionLimits.DEFAULTS, ClusterConfig.parse(List.of("node.1=127.0.0.1:5001"), "f").limits());
        ClusterConfig tuned = ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "connection.max.opening=8",
                "connection.idle.timeout.ms=60000", "call.max.bytes=65536"), "f");
        assertEquals(new ConnectionLimits(10_000, 60_000, 8, 256, 32, 65_536), tuned.limits());
        ConfigException zero = assertThrows(ConfigException.class,
                () -> ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "connection.max.open=0"), "f"));
        assertEquals("f line 2: connection.max.open must be between 1 and 2147483647, got 0", zero.getMessage());
        ConfigException slots = assertThrows(ConfigException.class, () -> ClusterConfig.parse(
                List.of("node.1=127.0.0.1:5001", "connection.max.open=10", "connection.peer.slots=10"), "f"));
        assertTrue(slots.getMessage().contains("connection.peer.slots (10) must be fewer than connection.max.open (10)"),
                slots.getMessage());
    }

    @Test
    void peersCompareTheirNodeListsAndSettingsAndAPeersTextIsOnlyQuoted() throws ConfigException {
        ClusterConfig ours = ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "node.2=127.0.0.1:5002"), "f");
        assertTrue(ours.peerFingerprint().matches("nodes=[0-9a-f]+ heartbeat.interval.ms=200 failure.timeout.ms=1000 "
                + "lease.ms=2000 rpc.timeout.ms=500 request.timeout.ms=8000 loan.days=14"), ours.peerFingerprint());
        assertEquals(List.of(), ours.differencesFrom(ours.peerFingerprint()));
        ClusterConfig longerLease = ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "node.2=127.0.0.1:5002",
                "lease.ms=5000", "loan.days=7"), "f");
        assertEquals(List.of("lease.ms=5000 (here 2000)", "loan.days=7 (here 14)"),
                ours.differencesFrom(longerLease.peerFingerprint()));
        ClusterConfig threeNodes = ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "node.2=127.0.0.1:5002",
                "node.3=127.0.0.1:5003"), "f");
        assertEquals(List.of("nodes"), ours.differencesFrom(threeNodes.peerFingerprint()));
        assertEquals(List.of("nodes"), ours.differencesFrom("1a2b3c4d"), "an older node's bare hash");
        String odd = "nodes=x lease.ms=\u001B[2J" + "9".repeat(500) + " lease.ms=1 " + "k=v ".repeat(10_000);
        assertEquals(List.of("nodes", "lease.ms=\\u001B[2J" + "9".repeat(76) + "... (504 characters) (here 2000)"),
                ours.differencesFrom(odd));
    }

    @Test
    void parsesNodesAndTimings() throws ConfigException {
        ClusterConfig c = ClusterConfig.parse(List.of(
                "# comment", "node.2=127.0.0.1:5002", "", "node.1 = 127.0.0.1:5001",
                "heartbeat.interval.ms=100", "failure.timeout.ms=700"), "test");
        assertEquals(List.of(1, 2), c.ids());
        assertEquals(5001, c.node(1).orElseThrow().port());
        assertEquals("127.0.0.1", c.node(2).orElseThrow().host());
        assertEquals(100, c.timings().heartbeatIntervalMs());
        assertEquals(700, c.timings().failureTimeoutMs());
        assertEquals(Timings.DEFAULTS.leaseMs(), c.timings().leaseMs());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "node.1=127.0.0.1:5001;node.1=127.0.0.1:5002 | test line 2: node 1 is listed twice",
        "node.1=127.0.0.1:5001;node.2=127.0.0.1:5001 | test line 2: address 127.0.0.1:5001 is already node 1's",
        "node.1=127.0.0.1:0                         | test line 1: node 1 has port 0, outside 1-65535",
        "node.1=127.0.0.1:70000                     | test line 1: node 1 has port 70000, outside 1-65535",
        "node.x=127.0.0.1:5001                      | test line 1: node id 'x' is not a positive integer",
        "node.0=127.0.0.1:5001                      | test line 1: node id 0 is not a positive integer",
        "node.1=127.0.0.1                           | test line 1: node 1 needs <host>:<port>, got '127.0.0.1'",
        "node.1=127.0.0.1:abc                       | test line 1: node 1 has a port that is not a number: 'abc'",
        "node.1=127.0.0.1:5001;this is not a setting | test line 2: expected node.<id>=<host>:<port> or <setting>=<value>, "
                + "got 'this is not a setting'",
        "node.1=127.0.0.1:5001;lease.ms=soon         | test line 2: lease.ms must be a whole number, got 'soon'",
        "node.1=127.0.0.1:5001;colour=blue           | test line 2: unknown setting 'colour'",
        "node.1=127.0.0.1:5001;tls=no                | test line 2: tls must be on or off, got 'no'",
        "# nothing here                              | test: no nodes configured",
    })
    void rejectsMalformedLinesNamingTheLine(String lines, String expectedStart) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ClusterConfig.parse(List.of(lines.split(";")), "test"));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }

    @Test
    void usersFileTurnsUserAuthenticationOn() throws ConfigException {
        assertTrue(ClusterConfig.parse(List.of("node.1=127.0.0.1:5001"), "test").usersFile().isEmpty(), "off by default");
        ClusterConfig on = ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "users.file = resources/users.json"), "test");
        assertEquals(Path.of("resources", "users.json"), on.usersFile().orElseThrow());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "users.file="), "test"));
        assertEquals("test line 2: users.file needs a file, e.g. users.file=resources/users.json", e.getMessage());
    }

    @Test
    void usersInTheDatabaseTurnUserAuthenticationOnWithoutAFile() throws ConfigException {
        assertFalse(ClusterConfig.parse(List.of("node.1=127.0.0.1:5001"), "test").usersInDatabase(), "off by default");
        ClusterConfig on = ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "users=postgresql"), "test");
        assertTrue(on.usersInDatabase());
        assertTrue(on.usersFile().isEmpty());
        ConfigException other = assertThrows(ConfigException.class,
                () -> ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "users=file"), "test"));
        assertEquals("test line 2: users can only be postgresql (the users in the library's database), got 'file'; a users"
                + " file is users.file=FILE", other.getMessage());
        ConfigException both = assertThrows(ConfigException.class, () -> ClusterConfig.parse(
                List.of("node.1=127.0.0.1:5001", "users=postgresql", "users.file=resources/users.json"), "test"));
        assertEquals("test: users.file and users=postgresql both say where the users are: keep one", both.getMessage());
    }

    @Test
    void tlsIsOnUnlessTheFileSaysOff() throws ConfigException {
        assertTrue(ClusterConfig.parse(List.of("node.1=127.0.0.1:5001"), "test").tls());
        assertTrue(ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "tls=on"), "test").tls());
        assertEquals(false, ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "tls = off"), "test").tls());
    }

    @Test
    void rejectsHeartbeatNotShorterThanFailureTimeout() {
        ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfig.parse(List.of(
                "node.1=127.0.0.1:5001", "heartbeat.interval.ms=1000", "failure.timeout.ms=1000"), "test"));
        assertTrue(e.getMessage().contains("must be shorter than failure.timeout.ms"), e.getMessage());
    }

    @Test
    void missingAndEmptyFilesAreClearErrors(@TempDir Path dir) throws Exception {
        ConfigException missing = assertThrows(ConfigException.class, () -> ClusterConfig.load(dir.resolve("nodes.properties")));
        assertTrue(missing.getMessage().contains("configuration file not found in " + dir.toAbsolutePath().normalize()),
                missing.getMessage());
        assertTrue(missing.getMessage().contains("node.<id>=<host>:<port>"), "says what a new file holds");
        Path empty = Files.writeString(dir.resolve("empty.properties"), "");
        ConfigException none = assertThrows(ConfigException.class, () -> ClusterConfig.load(empty));
        assertTrue(none.getMessage().contains("no nodes configured"), none.getMessage());
    }

    @Test
    void requireNamesTheFileAndTheConfiguredIds() throws ConfigException {
        ClusterConfig c = ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "node.3=127.0.0.1:5003"), "test.properties");
        assertEquals(new NodeAddress(3, "127.0.0.1", 5003), c.require(3));
        ConfigException e = assertThrows(ConfigException.class, () -> c.require(7));
        assertEquals("node 7 is not in test.properties (configured ids: [1, 3])", e.getMessage());
    }

    @Test
    void addressesAreComparedByWhatTheyResolveTo() throws ConfigException {
        ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfig.parse(List.of(
                "node.1=127.0.0.1:17601", "node.2=localhost:17601"), "test"));
        assertTrue(e.getMessage().startsWith("test line 2: address localhost:17601 is already node 1's (127.0.0.1:17601):"
                + " both are 127.0.0.1:17601"), e.getMessage());
        ConfigException upper = assertThrows(ConfigException.class, () -> ClusterConfig.parse(List.of(
                "node.1=localhost:17601", "node.2=LOCALHOST:17601"), "test"));
        assertTrue(upper.getMessage().startsWith("test line 2: address LOCALHOST:17601 is already node 1's"),
                upper.getMessage());
        ClusterConfig ok = ClusterConfig.parse(List.of("node.1=127.0.0.1:17601", "node.2=localhost:17602",
                "node.3=127.0.0.2:17601"), "test");
        assertEquals(3, ok.ids().size());
    }

    @ParameterizedTest
    @CsvSource({"0.0.0.0", "0", "[::]", "[0:0:0:0:0:0:0:0]"})
    void theWildcardAddressIsRefusedWithAReason(String host) {
        ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfig.parse(List.of(
                "node.1=" + host + ":5001"), "test"));
        assertTrue(e.getMessage().startsWith("test line 1: node 1 has host " + host + ", which is no address to dial"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void aByteOrderMarkIsAccepted(@TempDir Path dir) throws Exception {
        Path bom = dir.resolve("bom.properties");
        Files.write(bom, concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "node.1=127.0.0.1:5001\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(1), ClusterConfig.load(bom).ids());
    }

    @Test
    void aByteThatIsNotUtf8NamesTheLine(@TempDir Path dir) throws Exception {
        Path latin1 = dir.resolve("latin1.properties");
        Files.write(latin1, "# caf\u00e9\nnode.1=127.0.0.1:5001\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfig.load(latin1));
        assertEquals(latin1 + " line 1: byte 0xE9 (byte 6 of the line) is not UTF-8 text; save the file as UTF-8",
                e.getMessage());
    }

    @Test
    void anInvisibleCharacterInAnErrorIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfig.parse(List.of(
                "node.1=127.0.0.1:5001", "lease\u200b.ms=3000"), "test"));
        assertTrue(e.getMessage().contains("got 'lease\\u200B.ms=3000'"), e.getMessage());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void theShippedConfigurationIsValid() throws ConfigException {
        ClusterConfig c = ClusterConfig.load(Path.of("nodes.properties"));
        assertEquals(List.of(1, 2, 3, 4, 5), c.ids());
        assertEquals(5005, c.node(5).orElseThrow().port());
    }
}
