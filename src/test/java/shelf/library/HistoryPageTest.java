package shelf.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.fencing.FencingToken;

/** The history and the catalogue read in pages: their boundaries, and pages read from the file's sparse index. */
class HistoryPageTest {
    private static final int BOOKS = 10;
    /** A history of exactly two index strides. */
    private static final int RECORDS = 2 * LineIndex.STRIDE;

    @TempDir
    Path dir;

    private FileLibraryStore open() throws Exception {
        return FileLibraryStore.open(dir, Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC), 14, "test");
    }

    private FileLibraryStore library(long records) throws Exception {
        new LibraryFiles(dir).create(SampleCatalog.books(BOOKS));
        LongHistory.write(dir, records, BOOKS);
        return open();
    }

    private static List<Long> seqs(Page<HistoryRecord> page) {
        return page.items().stream().map(HistoryRecord::seq).toList();
    }

    private static List<Long> range(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }

    /** Every page after {@code after} read one after another, each of up to {@code limit} records. */
    private static List<HistoryRecord> allPages(LibraryStore store, Integer bookId, int limit) throws Exception {
        List<HistoryRecord> all = new ArrayList<>();
        long after = 0;
        while (true) {
            Page<HistoryRecord> page = store.historyPage(bookId, after, limit);
            all.addAll(page.items());
            if (!page.more()) {
                return all;
            }
            after = page.items().get(page.items().size() - 1).seq();
        }
    }

    @Test
    void anEmptyHistoryIsOneEmptyPage() throws Exception {
        try (FileLibraryStore store = library(0)) {
            Page<HistoryRecord> page = store.historyPage(null, 0, 10);
            assertEquals(List.of(), page.items());
            assertFalse(page.more());
            assertEquals(List.of(), store.historyPage(3, 0, 10).items());
        }
    }

    @Test
    void aHistoryOfAnExactMultipleOfThePageSizeEndsWithAFullPageAndNoMore() throws Exception {
        try (FileLibraryStore store = library(RECORDS)) {
            Page<HistoryRecord> first = store.historyPage(null, 0, LineIndex.STRIDE);
            assertEquals(range(1, LineIndex.STRIDE), seqs(first));
            assertTrue(first.more());
            Page<HistoryRecord> second = store.historyPage(null, LineIndex.STRIDE, LineIndex.STRIDE);
            assertEquals(range(LineIndex.STRIDE + 1, RECORDS), seqs(second));
            assertFalse(second.more(), "nothing follows the last record");
            assertEquals(store.history(null), allPages(store, null, 100));
        }
    }

    @Test
    void aPageAfterTheEndIsEmptyWithNoMore() throws Exception {
        try (FileLibraryStore store = library(RECORDS)) {
            for (long after : new long[] {RECORDS, RECORDS + 1, Long.MAX_VALUE}) {
                Page<HistoryRecord> page = store.historyPage(null, after, 10);
                assertEquals(List.of(), page.items(), "after " + after);
                assertFalse(page.more(), "after " + after);
            }
            assertEquals(range(RECORDS, RECORDS), seqs(store.historyPage(null, RECORDS - 1, 10)));
        }
    }

    @Test
    void aPageStartsRightAfterTheRecordAskedForOnEitherSideOfAnIndexedLine() throws Exception {
        try (FileLibraryStore store = library(RECORDS + 5)) {
            for (long after : new long[] {0, 1, LineIndex.STRIDE - 1, LineIndex.STRIDE, LineIndex.STRIDE + 1, RECORDS}) {
                Page<HistoryRecord> page = store.historyPage(null, after, 3);
                assertEquals(range(after + 1, after + 3), seqs(page), "after " + after);
                assertEquals(LongHistory.record(after + 1, BOOKS), page.items().get(0));
                assertTrue(page.more());
            }
        }
    }

    @Test
    void oneBooksHistoryInPagesIsThatBooksHistory() throws Exception {
        try (FileLibraryStore store = library(RECORDS)) {
            List<HistoryRecord> book3 = store.history(3);
            assertEquals(206, book3.size(), "103 of the 1,024 loans were of book 3");
            assertEquals(book3, allPages(store, 3, 7));
            assertEquals(List.of(), store.historyPage(BOOKS + 1, 0, 10).items(), "no such book: no records");
        }
    }

    @Test
    void pagesFindRecordsThisStoreAndAnotherAppendedAfterOpening() throws Exception {
        try (FileLibraryStore writer = library(RECORDS - 2); FileLibraryStore reader = open()) {
            long token = RECORDS;
            for (int i = 0; i < LineIndex.STRIDE + 10; i++) {
                Op op = i % 2 == 0 ? Op.BORROW : Op.RETURN;
                writer.apply(new FencingToken(1, ++token), 1, List.of(new Command(UUID.randomUUID().toString(), op, 4, "eve")));
            }
            long last = RECORDS - 2 + LineIndex.STRIDE + 10;
            for (LibraryStore store : List.of(writer, reader)) {
                assertEquals(range(RECORDS + 1, RECORDS + 3), seqs(store.historyPage(null, RECORDS, 3)));
                assertEquals(range(last - 1, last), seqs(store.historyPage(null, last - 2, 10)));
                assertEquals(store.history(null), allPages(store, null, 1000));
            }
        }
    }

    @Test
    void aPageIsAskedForFromRecordZeroOnAndOfOneRecordAtLeast() throws Exception {
        try (FileLibraryStore store = library(3)) {
            assertThrows(IllegalArgumentException.class, () -> store.historyPage(null, -1, 10));
            assertThrows(IllegalArgumentException.class, () -> store.historyPage(null, 0, 0));
            assertEquals(range(1, 3), seqs(store.historyPage(null, 0, Integer.MAX_VALUE)));
        }
    }

    @Test
    void theCatalogueInPages() throws Exception {
        try (FileLibraryStore store = library(1)) {
            Page<Book> first = store.booksPage(0, 5);
            assertEquals(List.of(1, 2, 3, 4, 5), first.items().stream().map(Book::id).toList());
            assertTrue(first.more());
            Page<Book> second = store.booksPage(5, 5);
            assertEquals(List.of(6, 7, 8, 9, 10), second.items().stream().map(Book::id).toList());
            assertFalse(second.more(), "ten books are two full pages of five, and no more");
            assertEquals(List.of(), store.booksPage(10, 5).items());
            assertFalse(store.booksPage(Integer.MAX_VALUE, 5).more());
            assertEquals("reader-0", store.booksPage(0, 1).items().get(0).borrower(), "a page shows the loans");
        }
    }
}
