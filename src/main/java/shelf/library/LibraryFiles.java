package shelf.library;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The layout of the library's folder ({@code resources/}): {@code catalog.json}, written once by
 * {@code CreateBooks}, and {@code history.log}, the append-only record of every change.
 */
public final class LibraryFiles {
    public static final String CATALOG = "catalog.json";
    public static final String HISTORY = "history.log";

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

    public boolean exists() {
        return Files.exists(catalog());
    }

    public List<CatalogEntry> readCatalog() throws StoreException {
        try {
            List<CatalogEntry> entries = Json.MAPPER.readValue(catalog().toFile(), new TypeReference<List<CatalogEntry>>() { });
            if (entries == null || entries.isEmpty()) {
                throw new StoreException(catalog() + ": the catalogue is empty (run CreateBooks --force)");
            }
            return entries;
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new StoreException(catalog()
                    + " not found: create the library first with 'java -cp target/shelf.jar CreateBooks'");
        } catch (IOException e) {
            throw new StoreException(catalog() + ": not a valid catalogue: " + firstLine(e.getMessage()));
        }
    }

    /** Writes a new catalogue and an empty history, each atomically and durably. */
    public void create(List<CatalogEntry> entries) throws IOException {
        Files.createDirectories(dir);
        writeAtomically(catalog(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(entries));
        writeAtomically(history(), new byte[0]);
    }

    /** Writes a small file so that a reader sees either the old or the new content, never a mix. */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(content));
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
