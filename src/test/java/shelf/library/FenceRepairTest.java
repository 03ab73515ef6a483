package shelf.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.fencing.FencingToken;

/** An operator's fence repair: a FENCE record that lowers the fence below a forged token, kept across a reopen. */
class FenceRepairTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
    private static final FencingToken FORGED = new FencingToken(Long.MAX_VALUE, Long.MAX_VALUE);

    @TempDir
    Path dir;

    private FileLibraryStore open() throws StoreException {
        return FileLibraryStore.open(dir, CLOCK, 14, "test");
    }

    private static List<Command> borrow(String id, int book) {
        return List.of(new Command(id, Op.BORROW, book, "alice"));
    }

    @Test
    void aRepairedFenceLetsTheTermWriteAndKeepsOlderTermsOutAcrossAReopen() throws Exception {
        new LibraryFiles(dir).create(SampleCatalog.books(5));
        try (FileLibraryStore store = open()) {
            store.apply(FORGED, 9, borrow("forged", 1));
            assertThrows(StaleTokenException.class, () -> store.apply(new FencingToken(45, 1), 5, borrow("r1", 2)));

            HistoryRecord fence = store.repairFence(new FencingToken(45, 0), 5, "admin");
            assertEquals(Op.FENCE, fence.op());
            assertEquals("admin", fence.user());
            assertEquals(new FencingToken(45, 0), store.highestToken());
            assertTrue(store.apply(new FencingToken(45, 1), 5, borrow("r1", 2)).get(0).ok(), "the term writes again");
        }
        try (FileLibraryStore store = open()) {
            assertEquals(new FencingToken(45, 1), store.highestToken(), "the repair survives a reopen");
            assertThrows(StaleTokenException.class, () -> store.apply(new FencingToken(35, 9), 4, borrow("r2", 3)));
            assertEquals(Op.FENCE, store.history(null).get(1).op());
            assertFalse(store.apply(new FencingToken(45, 2), 5,
                    List.of(new Command("r3", Op.FENCE, 3, "mallory"))).get(0).ok(), "no client writes a FENCE");
        }
    }
}
