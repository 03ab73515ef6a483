package shelf.library;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import shelf.fencing.FencingToken;

class FileLibraryStoreTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
    private static final FencingToken T1 = new FencingToken(1, 1);

    @TempDir
    Path dir;
    private LibraryFiles files;

    @BeforeEach
    void createLibrary() throws Exception {
        files = new LibraryFiles(dir);
        files.create(SampleCatalog.books(10));
    }

    private FileLibraryStore open() throws StoreException {
        return FileLibraryStore.open(dir, CLOCK, 14, "test");
    }

    private static Command cmd(Op op, int book, String user) {
        return new Command(UUID.randomUUID().toString(), op, book, user);
    }

    @Test
    void writesAreDurableAndReplayedOnReopen() throws Exception {
        try (FileLibraryStore store = open()) {
            List<Outcome> outcomes = store.apply(T1, 1, List.of(cmd(Op.BORROW, 3, "alice"), cmd(Op.BORROW, 3, "bob"),
                    cmd(Op.BORROW, 4, "bob")));
            assertTrue(outcomes.get(0).ok());
            assertFalse(outcomes.get(1).ok());
            assertTrue(outcomes.get(2).ok());
        }
        try (FileLibraryStore store = open()) {
            assertEquals("alice", store.books().get(2).borrower());
            assertEquals("bob", store.books().get(3).borrower());
            List<HistoryRecord> history = store.history(null);
            assertEquals(2, history.size());
            assertEquals("1:1", history.get(0).token().toString());
            assertEquals(1, store.history(4).size());
            assertEquals(T1, store.highestToken());
        }
    }

    @Test
    void anotherStoreOnTheSameFolderSeesTheWrites() throws Exception {
        try (FileLibraryStore a = open(); FileLibraryStore b = open()) {
            a.apply(T1, 1, List.of(cmd(Op.BORROW, 1, "alice")));
            assertEquals("alice", b.books().get(0).borrower());
            Outcome refused = b.apply(new FencingToken(1, 2), 2, List.of(cmd(Op.BORROW, 1, "bob"))).get(0);
            assertFalse(refused.ok());
            assertEquals(List.of(T1), b.history(null).stream().map(HistoryRecord::token).toList());
        }
    }

    @Test
    void fencingRefusesALowerTokenAndTheSameTokenFromAnotherNode() throws Exception {
        try (FileLibraryStore store = open()) {
            store.apply(new FencingToken(2, 5), 1, List.of(cmd(Op.BORROW, 1, "alice")));
            StaleTokenException lower = assertThrows(StaleTokenException.class,
                    () -> store.apply(new FencingToken(2, 4), 2, List.of(cmd(Op.BORROW, 2, "bob"))));
            assertEquals(new FencingToken(2, 5), lower.highest());
            assertThrows(StaleTokenException.class,
                    () -> store.apply(new FencingToken(2, 5), 2, List.of(cmd(Op.BORROW, 2, "bob"))));
            assertTrue(store.apply(new FencingToken(2, 5), 1, List.of(cmd(Op.BORROW, 2, "alice"))).get(0).ok(),
                    "the holder may write several batches under one grant");
            assertTrue(store.apply(new FencingToken(3, 1), 2, List.of(cmd(Op.BORROW, 3, "bob"))).get(0).ok());
            assertEquals(3, store.history(null).size());
        }
    }

    @Test
    void aRetriedRequestIsNotAppliedTwice() throws Exception {
        try (FileLibraryStore store = open()) {
            Command borrow = cmd(Op.BORROW, 5, "alice");
            store.apply(T1, 1, List.of(borrow));
            Outcome again = store.apply(new FencingToken(1, 2), 2, List.of(borrow)).get(0);
            assertTrue(again.ok());
            assertEquals(1, store.history(null).size());
        }
    }

    @Test
    void aRetryIsRecognisedByANodeThatReplayedTheHistoryAfterARestart() throws Exception {
        Command borrow = cmd(Op.BORROW, 5, "alice");
        Command renew = new Command("client-chosen id 7", Op.RENEW, 5, "alice");
        try (FileLibraryStore store = open()) {
            store.apply(T1, 1, List.of(borrow, renew));
        }
        try (FileLibraryStore restarted = open()) {
            List<Outcome> again = restarted.apply(new FencingToken(2, 1), 2, List.of(renew, borrow));
            assertEquals("alice renewed book 5, now due 2026-12-22 (request already applied)", again.get(0).message());
            assertEquals("alice borrowed book 5, due 2026-12-08 (request already applied)", again.get(1).message());
            assertEquals(2, restarted.history(null).size());
        }
    }

    @Test
    void aTornLastRecordIsSkippedAndCutOff() throws Exception {
        try (FileLibraryStore store = open()) {
            store.apply(T1, 1, List.of(cmd(Op.BORROW, 1, "alice")));
        }
        byte[] full = FileLibraryStore.encode(
                new HistoryRecord(2, Instant.EPOCH, Op.BORROW, 2, "bob", 1, FencingToken.parse("1:2"), null, "x"));
        Files.write(files.history(), java.util.Arrays.copyOf(full, full.length / 2), StandardOpenOption.APPEND);
        long tornSize = Files.size(files.history());
        try (FileLibraryStore store = open()) {
            assertEquals(1, store.history(null).size());
            assertTrue(store.books().get(1).available(), "the torn borrow of book 2 is not applied");
            assertTrue(Files.size(files.history()) < tornSize, "the torn bytes are cut off");
            assertTrue(store.apply(new FencingToken(1, 2), 1, List.of(cmd(Op.BORROW, 2, "carol"))).get(0).ok());
        }
        try (FileLibraryStore store = open()) {
            assertEquals(List.of("alice", "carol"), store.history(null).stream().map(HistoryRecord::user).toList());
        }
    }

    @Test
    void aBadLastRecordBeyondTheDurableMarkIsATornWriteAndCutOff() throws Exception {
        try (FileLibraryStore store = open()) {
            store.apply(T1, 1, List.of(cmd(Op.BORROW, 1, "alice")));
        }
        byte[] line = FileLibraryStore.encode(
                new HistoryRecord(2, Instant.EPOCH, Op.BORROW, 2, "bob", 1, FencingToken.parse("1:2"), null, "x"));
        line[line.length - 5] ^= 1; // a complete line that fails its checksum, never fsynced: beyond the mark
        Files.write(files.history(), line, StandardOpenOption.APPEND);
        try (FileLibraryStore store = open()) {
            assertEquals(1, store.history(null).size());
            assertEquals(1, Files.readAllLines(files.history()).size(), "the torn record is cut off");
        }
    }

    /** Five acknowledged records: borrow, renew, borrow, borrow, renew. */
    private void fiveAcknowledgedRecords() throws Exception {
        try (FileLibraryStore store = open()) {
            store.apply(T1, 1, List.of(cmd(Op.BORROW, 1, "alice"), cmd(Op.RENEW, 1, "alice")));
            store.apply(new FencingToken(1, 2), 2, List.of(cmd(Op.BORROW, 2, "bob"), cmd(Op.BORROW, 3, "carol")));
            store.apply(new FencingToken(1, 3), 1, List.of(cmd(Op.RENEW, 2, "bob")));
        }
        assertEquals(5, Files.readAllLines(files.history()).size());
    }

    @Test
    void aChangedByteInTheLastAcknowledgedRecordIsDamageNotATornWrite() throws Exception {
        fiveAcknowledgedRecords();
        byte[] before = Files.readAllBytes(files.history());
        byte[] changed = before.clone();
        int inLastLine = before.length - 10;
        changed[inLastLine] = (byte) (changed[inLastLine] == 'x' ? 'y' : 'x');
        Files.write(files.history(), changed);
        LibraryCorruptException e = assertThrows(LibraryCorruptException.class, this::open);
        assertTrue(e.getMessage().contains("history.log line 5: record 5 is damaged"), e.getMessage());
        assertTrue(e.getMessage().contains("history.mark says records up to 5 were made durable"), e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
        assertArrayEquals(changed, Files.readAllBytes(files.history()), "nothing is cut: the acknowledged RENEW stays");
    }

    @Test
    void aHistoryCutShortBeforeTheMarkIsMissingAcknowledgedRecords() throws Exception {
        fiveAcknowledgedRecords();
        List<String> lines = Files.readAllLines(files.history());
        int endOfSecond = lines.get(0).length() + lines.get(1).length() + 2;
        int insideThird = endOfSecond + lines.get(2).length() / 2;
        try (FileChannel ch = FileChannel.open(files.history(), StandardOpenOption.WRITE)) {
            ch.truncate(insideThird);
        }
        LibraryCorruptException inside = assertThrows(LibraryCorruptException.class, this::open);
        assertTrue(inside.getMessage().contains("history.log: acknowledged records are missing: the history ends inside"
                + " record 3 (byte " + insideThird + "), after record 2, but history.mark says records up to 5"),
                inside.getMessage());
        assertEquals(insideThird, Files.size(files.history()), "nothing is cut");

        try (FileChannel ch = FileChannel.open(files.history(), StandardOpenOption.WRITE)) {
            ch.truncate(endOfSecond);
        }
        LibraryCorruptException atLine = assertThrows(LibraryCorruptException.class, this::open);
        assertTrue(atLine.getMessage().contains("history.log: acknowledged records are missing: the history ends after record 2"
                + " (byte " + endOfSecond + "), but history.mark says records up to 5"), atLine.getMessage());
    }

    @Test
    void syncAdvancesTheDurableMarkAndCloseWritesTheLast() throws Exception {
        try (FileLibraryStore store = open()) {
            store.apply(T1, 1, List.of(cmd(Op.BORROW, 1, "alice"), cmd(Op.BORROW, 2, "alice")));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> readMark() == 2);
            store.append(T1, 1, List.of(cmd(Op.BORROW, 3, "alice")));
            assertEquals(2, readMark(), "an append is not durable before its sync");
            store.sync();
        }
        assertEquals(3, readMark());
    }

    @Test
    void theMarkOnlyMovesForwardWhicheverNodeIsSlower() throws Exception {
        FileLibraryStore slow = open();
        try (FileLibraryStore fast = open()) {
            fast.apply(T1, 1, List.of(cmd(Op.BORROW, 1, "alice")));
            slow.books(); // the slow node has seen record 1
            fast.apply(new FencingToken(1, 2), 1, List.of(cmd(Op.BORROW, 2, "alice"), cmd(Op.BORROW, 3, "alice")));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> readMark() == 3);
            slow.sync(); // durable up to record 1 as far as it knows
        } finally {
            slow.close();
        }
        assertEquals(3, readMark());
    }

    @Test
    void aLibraryOfAnEarlierVersionWithoutAMarkLoadsAsBeforeAndGetsOne() throws Exception {
        try (FileLibraryStore store = open()) {
            store.apply(T1, 1, List.of(cmd(Op.BORROW, 1, "alice"), cmd(Op.BORROW, 2, "bob")));
        }
        Files.delete(files.mark());
        String text = Files.readString(files.history());
        Files.writeString(files.history(), text.substring(0, text.length() - 5) + "xx}}\n");
        try (FileLibraryStore store = open()) {
            assertEquals(1, store.history(null).size(), "without a mark, a bad last record is a torn write, as before");
        }
        assertEquals(1, readMark(), "the mark is written from then on");
    }

    @Test
    void aMissingHistoryBesideACatalogueIsAnErrorAndNotRecreated() throws Exception {
        fiveAcknowledgedRecords();
        Files.delete(files.history());
        StoreException e = assertThrows(StoreException.class, this::open);
        assertTrue(e.getMessage().contains("history.log not found beside"), e.getMessage());
        assertTrue(e.getMessage().contains("loan records are missing"), e.getMessage());
        assertFalse(Files.exists(files.history()), "not recreated empty");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a duplicate id   | {\"id\":1,\"title\":\"A\"},{\"id\":2,\"title\":\"B\"},{\"id\":1,\"title\":\"C\"}"
                + " | entry 3: id 1 is already the id of entry 1 (A)",
        "id 0             | {\"id\":1,\"title\":\"A\"},{\"id\":0,\"title\":\"B\"} | entry 2: no id, or id 0",
        "no id            | {\"title\":\"A\"}                                  | entry 1: no id, or id 0",
        "a negative id    | {\"id\":-4,\"title\":\"A\"}                         | entry 1: id -4 is negative",
        "no title         | {\"id\":1,\"author\":\"X\"}                         | entry 1 (id 1): the title is missing",
        "a blank title    | {\"id\":1,\"title\":\"  \"}                          | entry 1 (id 1): the title is missing or blank",
        "a null entry     | {\"id\":1,\"title\":\"A\"},null                     | entry 2: null, not a book",
    })
    void anInvalidCatalogueIsAnErrorNamingTheEntry(String what, String entries, String expected) throws Exception {
        Files.writeString(files.catalog(), "[" + entries + "]");
        StoreException e = assertThrows(StoreException.class, this::open);
        assertTrue(e.getMessage().contains("catalog.json " + expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void createNeverWritesAnInvalidCatalogue(@TempDir Path other) throws Exception {
        LibraryFiles fresh = new LibraryFiles(other.resolve("lib"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fresh.create(List.of(
                new CatalogEntry(1, "A", "x"), new CatalogEntry(1, "B", "y"))));
        assertTrue(e.getMessage().contains("entry 2: id 1 is already the id of entry 1"), e.getMessage());
        assertFalse(Files.exists(fresh.catalog()));
    }

    private long readMark() throws StoreException {
        try (HistoryMark mark = HistoryMark.open(files.mark(), "test reader")) {
            return mark.read();
        }
    }

    @Test
    void aCorruptedMiddleRecordIsAnErrorNamingFileAndLine() throws Exception {
        try (FileLibraryStore store = open()) {
            store.apply(T1, 1, List.of(cmd(Op.BORROW, 1, "a"), cmd(Op.BORROW, 2, "b"), cmd(Op.BORROW, 3, "c")));
        }
        List<String> lines = Files.readAllLines(files.history());
        lines.set(1, lines.get(1).replace("\"b\"", "\"z\""));
        Files.write(files.history(), lines, StandardCharsets.UTF_8);
        LibraryCorruptException e = assertThrows(LibraryCorruptException.class, this::open);
        assertTrue(e.getMessage().contains("history.log line 2: corrupted record"), e.getMessage());
    }

    @Test
    void aHistoryThatBreaksTheRulesIsAnErrorNamingTheLine() throws Exception {
        HistoryRecord first = new HistoryRecord(1, Instant.EPOCH, Op.BORROW, 1, "a", 1, FencingToken.parse("1:1"), null, "x");
        HistoryRecord second = new HistoryRecord(2, Instant.EPOCH, Op.BORROW, 1, "b", 1, FencingToken.parse("1:1"), null, "y");
        Files.write(files.history(), concat(FileLibraryStore.encode(first), FileLibraryStore.encode(second)));
        LibraryCorruptException e = assertThrows(LibraryCorruptException.class, this::open);
        assertTrue(e.getMessage().contains("line 2: record 2 lends book 1"), e.getMessage());
    }

    @Test
    void aMissingCatalogueSaysHowToCreateOne(@TempDir Path empty) {
        StoreException e = assertThrows(StoreException.class, () -> FileLibraryStore.open(empty, CLOCK, 14, "test"));
        assertTrue(e.getMessage().contains("CreateBooks"), e.getMessage());
    }

    @Test
    void aFolderWhereTheCatalogueGoesIsNamedAsOne(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("catalog.json"));
        StoreException e = assertThrows(StoreException.class, () -> FileLibraryStore.open(dir, CLOCK, 14, "test"));
        assertTrue(e.getMessage().startsWith(dir.resolve("catalog.json") + " is a folder, not the catalogue file"),
                e.getMessage());
    }

    @Test
    void writeCostDoesNotDependOnHistoryLength() throws Exception {
        try (FileLibraryStore writer = open(); FileLibraryStore follower = open()) {
            for (int i = 0; i < 200; i++) {
                writer.apply(new FencingToken(1, i + 1), 1, List.of(cmd(i % 2 == 0 ? Op.BORROW : Op.RETURN, 1, "alice")));
                follower.books();
            }
            long before = Files.size(files.history());
            writer.apply(new FencingToken(1, 1000), 1, List.of(cmd(Op.BORROW, 2, "bob")));
            long appended = Files.size(files.history()) - before;
            assertTrue(appended < 400, "one record appended, not a rewrite: " + appended + " bytes");
            assertEquals("bob", follower.books().get(1).borrower());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * {@code admin store-fault}: an injected write failure applies nothing and says so; an injected fsync failure fails
     * the fsync after the append; clearing it makes the same store write again, and nothing was half-applied.
     */
    @Test
    void anInjectedWriteOrFsyncFailureFailsThoseWritesUntilCleared() throws Exception {
        try (FileLibraryStore store = open()) {
            store.injectFault(StoreFault.WRITE);
            assertEquals(StoreFault.WRITE, store.injectedFault());
            StoreException write = assertThrows(StoreException.class,
                    () -> store.apply(T1, 1, List.of(cmd(Op.BORROW, 1, "alice"))));
            assertTrue(write.getMessage().endsWith("write failed, nothing was applied: injected write failure"
                    + " (admin store-fault write)"), write.getMessage());
            assertEquals(List.of(), store.history(null));

            store.injectFault(StoreFault.FSYNC);
            assertTrue(store.append(T1, 1, List.of(cmd(Op.BORROW, 1, "alice"))).get(0).ok());
            StoreException fsync = assertThrows(StoreException.class, store::sync);
            assertTrue(fsync.getMessage().endsWith("fsync failed: injected fsync failure (admin store-fault fsync)"),
                    fsync.getMessage());

            store.injectFault(StoreFault.NONE);
            store.sync();
            assertTrue(store.apply(new FencingToken(1, 2), 1, List.of(cmd(Op.BORROW, 2, "alice"))).get(0).ok());
        }
        try (FileLibraryStore store = open()) {
            assertEquals(List.of(1, 2), store.history(null).stream().map(HistoryRecord::bookId).toList(),
                    "the append under the failed fsync stays (its outcome was unknown), the failed write left nothing");
            assertEquals(StoreFault.NONE, store.injectedFault(), "not persisted");
        }
    }
}
