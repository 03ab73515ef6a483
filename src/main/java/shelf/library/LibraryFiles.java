package shelf.library;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import shelf.util.AtomicFiles;
import shelf.util.ShelfJar;
import shelf.util.Texts;

/**
 * The layout of the library's folder ({@code resources/}): {@code catalog.json}, written once by
 * {@code CreateBooks}; {@code history.log}, the append-only record of every change; and {@code history.mark},
 * up to which record the history is known to be durable ({@link HistoryMark}).
 */
public final class LibraryFiles {
    public static final String CATALOG = "catalog.json";
    public static final String HISTORY = "history.log";
    public static final String MARK = "history.mark";
    private static final int READ_BUFFER = 1 << 16;

    private final Path dir;

    public LibraryFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path catalog() {
        return dir.resolve(CATALOG);
    }

    public Path history() {
        return dir.resolve(HISTORY);
    }

    public Path mark() {
        return dir.resolve(MARK);
    }

    public boolean exists() {
        return Files.exists(catalog());
    }

    /**
     * Reads and checks the catalogue: a non-empty list of books, each with a positive id of its own and a title.
     *
     * @throws StoreException one line naming the file and, for a bad entry, the entry (its 1-based position)
     */
    public List<CatalogEntry> readCatalog() throws StoreException {
        List<CatalogEntry> entries;
        try {
            entries = Json.MAPPER.readValue(catalog().toFile(), new TypeReference<List<CatalogEntry>>() { });
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            if (Files.isDirectory(catalog())) {
                throw new StoreException(catalog() + " is a folder, not the catalogue file: move it away and restore the file"
                        + " (or create a new library with 'java -cp " + ShelfJar.typed(Path.of("")) + " CreateBooks')");
            }
            throw new StoreException(catalog()
                    + " not found: create the library first with 'java -cp " + ShelfJar.typed(Path.of("")) + " CreateBooks'");
        } catch (IOException e) {
            throw new StoreException(catalog() + ": not a valid catalogue: " + Texts.firstLine(e.getMessage(), "unknown error"));
        }
        if (entries == null || entries.isEmpty()) {
            throw new StoreException(catalog() + ": the catalogue is empty (run CreateBooks --force)");
        }
        String problem = problem(entries);
        if (problem != null) {
            throw new StoreException(catalog() + " " + problem);
        }
        return entries;
    }

    /**
     * What is wrong with a catalogue, naming the entry ({@code "entry 11: ..."}), or null when every entry is a book
     * with a positive id no other entry has, and a title.
     */
    static String problem(List<CatalogEntry> entries) {
        Map<Integer, Integer> positions = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            CatalogEntry e = entries.get(i);
            String entry = "entry " + (i + 1);
            if (e == null) {
                return entry + ": null, not a book";
            }
            if (e.id() <= 0) {
                return entry + (e.id() == 0 ? ": no id, or id 0" : ": id " + e.id() + " is negative")
                        + "; book ids are positive whole numbers";
            }
            Integer earlier = positions.putIfAbsent(e.id(), i);
            if (earlier != null) {
                return entry + ": id " + e.id() + " is already the id of entry " + (earlier + 1) + " ("
                        + entries.get(earlier).title() + "); each book needs an id of its own";
            }
            if (e.title() == null || e.title().isBlank()) {
                return entry + " (id " + e.id() + "): the title is missing or blank";
            }
        }
        return null;
    }

    /**
     * The number of complete records (newline-terminated lines) in the history, 0 when it is missing. The caller
     * decides from it whether a new library would erase loan records; the lines are not checked.
     */
    public long historyRecords() throws IOException {
        if (!Files.exists(history())) {
            return 0;
        }
        long lines = 0;
        byte[] buf = new byte[READ_BUFFER];
        try (InputStream in = Files.newInputStream(history())) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }

    /**
     * Checks that the history exists: a catalogue without its history has lost every loan, and a new empty history
     * would forget them silently.
     */
    public void requireHistory() throws StoreException {
        if (!Files.exists(history())) {
            throw new StoreException(history() + " not found beside " + catalog() + ": the library's loan records are"
                    + " missing; restore the file, or start a new library with 'CreateBooks --force'");
        }
    }

    /**
     * Writes a new library: the mark reset, the catalogue, an empty history; each atomically and durably.
     *
     * @throws IllegalArgumentException when the entries are not a valid catalogue (nothing is written)
     */
    public void create(List<CatalogEntry> entries) throws IOException {
        String problem = entries.isEmpty() ? "the catalogue is empty" : problem(entries);
        if (problem != null) {
            throw new IllegalArgumentException("not a valid catalogue: " + problem);
        }
        Files.createDirectories(dir);
        // The mark first: a crash before the history is replaced leaves the old history with mark 0, as an earlier
        // version's library (its last record judged as before), never a new empty history under an old mark.
        writeAtomically(mark(), HistoryMark.encode(0));
        writeAtomically(catalog(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(entries));
        writeAtomically(history(), new byte[0]);
    }

    /** Writes a small file so that a reader sees either the old or the new content, never a mix. */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        AtomicFiles.write(target, content, null);
    }

}
