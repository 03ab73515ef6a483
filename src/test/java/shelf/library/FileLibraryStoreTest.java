package shelf.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    void aLastRecordWithABadChecksumIsTornToo() throws Exception {
        try (FileLibraryStore store = open()) {
            store.apply(T1, 1, List.of(cmd(Op.BORROW, 1, "alice"), cmd(Op.BORROW, 2, "bob")));
        }
        String text = Files.readString(files.history());
        Files.writeString(files.history(), text.substring(0, text.length() - 5) + "xx}}\n");
        try (FileLibraryStore store = open()) {
            assertEquals(1, store.history(null).size());
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
}
