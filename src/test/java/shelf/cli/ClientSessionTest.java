package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import shelf.api.LibraryService;
import shelf.api.UnavailableException;
import shelf.config.NodeAddress;
import shelf.fencing.FencingToken;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.FileLibraryStore;
import shelf.library.HistoryRecord;
import shelf.library.Json;
import shelf.library.LibraryFiles;
import shelf.library.Outcome;
import shelf.library.Page;
import shelf.library.SampleCatalog;

/** The client's output formats and exit codes (DESIGN §1), against an in-process library with no network. */
class ClientSessionTest {
    @TempDir
    java.nio.file.Path dir;
    private FileLibraryStore store;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private boolean down;
    /** The largest page this node sends: small here, so that a short library takes several pages. */
    private int pageSize = LibraryService.MAX_PAGE;
    private long token;

    /** A library service straight on a store: every write gets the next token, as if granted. */
    private final LibraryService library = new LibraryService() {
        @Override
        public List<Book> list() throws UnavailableException {
            check();
            return rethrow(() -> store.books());
        }

        @Override
        public Outcome execute(Command c) throws UnavailableException {
            check();
            return rethrow(() -> store.apply(new FencingToken(1, ++token), 2, List.of(c)).get(0));
        }

        @Override
        public List<Book> loans(String user) throws UnavailableException {
            check();
            return rethrow(() -> store.loansOf(user));
        }

        @Override
        public boolean authenticationRequired() {
            return false;
        }

        @Override
        public String login(String user, String pin) {
            throw new UnsupportedOperationException("authentication is off");
        }

        @Override
        public Outcome execute(Command c, String ticket) throws UnavailableException {
            return execute(c);
        }

        @Override
        public List<Book> loans(String user, String ticket) throws UnavailableException {
            return loans(user);
        }

        @Override
        public List<HistoryRecord> history(Integer bookId) throws UnavailableException {
            check();
            return rethrow(() -> store.history(bookId));
        }

        @Override
        public Page<HistoryRecord> history(Integer bookId, long afterSeq, int limit) throws UnavailableException {
            check();
            return rethrow(() -> store.historyPage(bookId, afterSeq, Math.min(limit, pageSize)));
        }

        @Override
        public Page<Book> list(int afterId, int limit) throws UnavailableException {
            check();
            return rethrow(() -> store.booksPage(afterId, Math.min(limit, pageSize)));
        }

        private void check() throws UnavailableException {
            if (down) {
                throw new UnavailableException("node 2 could not get the cluster lock within 8000 ms");
            }
        }
    };

    private interface Io<T> {
        T get() throws Exception;
    }

    private static <T> T rethrow(Io<T> io) {
        try {
            return io.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void openLibrary() throws Exception {
        new LibraryFiles(dir).create(SampleCatalog.books(10));
        store = FileLibraryStore.open(dir, Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC), 14, "test");
    }

    private int run(boolean json, String... words) {
        out.reset();
        err.reset();
        ClientSession session = new ClientSession("alice", new NodeAddress(2, "127.0.0.1", 5002), List.of(1, 3), library, json,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return session.run(List.of(words));
    }

    private JsonNode json() throws Exception {
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.strip().lines().count(), "exactly one JSON document: " + text);
        return Json.MAPPER.readTree(text);
    }

    @Test
    void listAsJsonHasTheContractsFields() throws Exception {
        assertEquals(0, run(true, "list"));
        JsonNode books = json();
        assertEquals(10, books.size());
        List<String> fields = new ArrayList<>();
        books.get(0).fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("id", "title", "author", "available", "borrower", "due"), fields);
        assertTrue(books.get(0).get("borrower").isNull());
    }

    @Test
    void borrowAsJson() throws Exception {
        assertEquals(0, run(true, "borrow", "3"));
        JsonNode doc = json();
        assertTrue(doc.get("ok").asBoolean());
        assertEquals("alice borrowed book 3, due 2026-12-08", doc.get("message").asText());
        assertEquals("2026-12-08", doc.get("book").get("due").asText());
        assertEquals("alice", doc.get("book").get("borrower").asText());
        assertEquals(1, run(true, "borrow", "3"));
        assertEquals(false, json().get("ok").asBoolean());
    }

    @Test
    void historyAsJsonHasTheContractsFields() throws Exception {
        run(false, "borrow", "4");
        run(false, "return", "4");
        assertEquals(0, run(true, "history", "4"));
        JsonNode records = json();
        assertEquals(2, records.size());
        Map<String, Object> first = Json.MAPPER.convertValue(records.get(0), new TypeReference<>() { });
        assertEquals(List.of("seq", "time", "op", "bookId", "user", "node", "token"), List.copyOf(first.keySet()));
        assertEquals("RETURN", records.get(1).get("op").asText());
        assertEquals("1:2", records.get(1).get("token").asText());
    }

    @Test
    void exitCodesForScripts() {
        assertEquals(0, run(false, "borrow", "1"));
        assertEquals(1, run(false, "return", "2"));
        assertEquals("refused: book 2 is not on loan\n", err.toString(StandardCharsets.UTF_8));
        for (String id : new String[] {"0", "11", "-1", "99999999999"}) {
            assertEquals(1, run(false, "borrow", id), id);
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("refused: unknown book " + id), err.toString());
        }
        assertEquals(2, run(false, "borrow", "abc"));
        assertEquals("book id must be a whole number, got 'abc'\n", err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run(false, "borrow"));
        assertEquals(2, run(false, "fly"));
        down = true;
        assertEquals(3, run(false, "borrow", "5"));
        assertEquals("node 2 could not get the cluster lock within 8000 ms; try another node, e.g. -n 1\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void loansShowsOnlyThisUsersBooks() throws Exception {
        run(false, "borrow", "6");
        assertEquals(0, run(true, "loans"));
        JsonNode loans = json();
        assertEquals(1, loans.size());
        assertEquals(6, loans.get(0).get("id").asInt());
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Eight records: book 4 lent and returned four times. */
    private void eightRecords() {
        for (int i = 0; i < 4; i++) {
            assertEquals(0, run(false, "borrow", "4"));
            assertEquals(0, run(false, "return", "4"));
        }
    }

    private static String lines(List<?> items) {
        return items.stream().map(i -> i + "\n").collect(Collectors.joining());
    }

    @Test
    void aHistoryAndACatalogueReadInPagesPrintExactlyWhatOneAnswerPrinted() throws Exception {
        eightRecords();
        List<HistoryRecord> history = store.history(null);
        List<Map<String, Object>> documents = new ArrayList<>(); // the format of history --json before paging
        for (HistoryRecord r : history) {
            Map<String, Object> doc = new java.util.LinkedHashMap<>();
            doc.put("seq", r.seq());
            doc.put("time", r.time().toString());
            doc.put("op", r.op().name());
            doc.put("bookId", r.bookId());
            doc.put("user", r.user());
            doc.put("node", r.node());
            doc.put("token", r.token());
            documents.add(doc);
        }
        pageSize = 3; // 8 records: pages of 3, 3 and 2; 10 books: 3, 3, 3 and 1
        assertEquals(0, run(false, "history"));
        assertEquals(lines(history), out());
        assertEquals(0, run(true, "history"));
        assertEquals(Json.MAPPER.writeValueAsString(documents) + "\n", out());
        assertEquals(0, run(false, "list"));
        assertEquals(lines(store.books()), out());
        assertEquals(0, run(true, "list"));
        assertEquals(Json.MAPPER.writeValueAsString(store.books()) + "\n", out());
        assertEquals("", err());
    }

    @Test
    void historyLimitAndAfterPrintThoseRecordsAndSayWhereMoreFollow() throws Exception {
        eightRecords();
        List<HistoryRecord> history = store.history(null);
        pageSize = 3;
        assertEquals(0, run(false, "history", "--limit", "4", "--after", "2"));
        assertEquals(lines(history.subList(2, 6)), out());
        assertEquals("more records follow: history --limit 4 --after 6\n", err());
        assertEquals(0, run(false, "history", "4", "--after=6"));
        assertEquals(lines(history.subList(6, 8)), out());
        assertEquals("", err(), "nothing follows the last record");
        assertEquals(0, run(false, "history", "--limit", "8"));
        assertEquals(lines(history), out());
        assertEquals("", err(), "exactly the history's length: nothing follows");
        assertEquals(0, run(false, "history", "--after", "8"));
        assertEquals("no history after record 8\n", out());
        assertEquals(0, run(false, "history", "5"));
        assertEquals("no history for book 5\n", out());
        assertEquals(0, run(true, "history", "--after", "99"));
        assertEquals("[]\n", out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--limit 0          | --limit must be a whole number of records, 1 or more, got '0'",
        "--limit -1         | --limit must be a whole number of records, 1 or more, got '-1'",
        "--limit=x          | --limit must be a whole number of records, 1 or more, got 'x'",
        "--limit 99999999999999999999 | --limit must be a whole number of records, 1 or more, got '99999999999999999999'",
        "--after -1         | --after must be a record's sequence number, 0 or more, got '-1'",
        "--after 1.5        | --after must be a record's sequence number, 0 or more, got '1.5'",
        "--limit            | --limit needs a value; usage: history [<bookId>] [--limit N] [--after SEQ]",
        "--limit 1 --limit 2 | --limit is given twice; usage: history [<bookId>] [--limit N] [--after SEQ]",
        "--frob             | unknown option '--frob'; usage: history [<bookId>] [--limit N] [--after SEQ]",
        "1 2                | one book id at most; usage: history [<bookId>] [--limit N] [--after SEQ]",
        "abc                | book id must be a whole number, got 'abc'"})
    void badHistoryOptionsAreAUsageErrorOfOneLine(String words, String message) {
        List<String> command = new ArrayList<>(List.of("history"));
        command.addAll(List.of(words.split(" ")));
        assertEquals(2, run(false, command.toArray(String[]::new)), words);
        assertEquals(message + "\n", err());
        assertEquals("", out());
    }
}
