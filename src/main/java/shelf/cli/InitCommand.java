package shelf.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import shelf.library.CatalogEntry;
import shelf.library.HistoryRecord;
import shelf.library.LibraryFiles;
import shelf.library.FileLibraryStore;
import shelf.library.StoreException;

/** {@code CreateBooks} / {@code shelf init}: writes a fresh library. */
@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Writes a fresh library of N real books (ids 1..N) under resources/.",
                "Refuses to erase a library that has loan records unless --force."})
public final class InitCommand implements Callable<Integer> {
    private static final String[][] CLASSICS = {
        {"Pride and Prejudice", "Jane Austen"},
        {"Moby-Dick", "Herman Melville"},
        {"Nineteen Eighty-Four", "George Orwell"},
        {"To Kill a Mockingbird", "Harper Lee"},
        {"The Great Gatsby", "F. Scott Fitzgerald"},
        {"One Hundred Years of Solitude", "Gabriel Garcia Marquez"},
        {"Crime and Punishment", "Fyodor Dostoevsky"},
        {"War and Peace", "Leo Tolstoy"},
        {"The Lord of the Rings", "J. R. R. Tolkien"},
        {"Don Quixote", "Miguel de Cervantes"},
        {"Jane Eyre", "Charlotte Bronte"},
        {"Wuthering Heights", "Emily Bronte"},
        {"Middlemarch", "George Eliot"},
        {"Great Expectations", "Charles Dickens"},
        {"Anna Karenina", "Leo Tolstoy"},
        {"The Brothers Karamazov", "Fyodor Dostoevsky"},
        {"Madame Bovary", "Gustave Flaubert"},
        {"Ulysses", "James Joyce"},
        {"In Search of Lost Time", "Marcel Proust"},
        {"The Odyssey", "Homer"},
        {"Frankenstein", "Mary Shelley"},
        {"Dracula", "Bram Stoker"},
        {"The Trial", "Franz Kafka"},
        {"Brave New World", "Aldous Huxley"},
        {"The Catcher in the Rye", "J. D. Salinger"},
        {"Beloved", "Toni Morrison"},
        {"Things Fall Apart", "Chinua Achebe"},
        {"The Master and Margarita", "Mikhail Bulgakov"},
        {"Mrs Dalloway", "Virginia Woolf"},
        {"Les Miserables", "Victor Hugo"},
        {"The Count of Monte Cristo", "Alexandre Dumas"},
        {"Dune", "Frank Herbert"},
        {"The Hobbit", "J. R. R. Tolkien"},
        {"Invisible Man", "Ralph Ellison"},
        {"Catch-22", "Joseph Heller"},
        {"The Stranger", "Albert Camus"},
        {"Lolita", "Vladimir Nabokov"},
        {"The Name of the Rose", "Umberto Eco"},
        {"Middlesex", "Jeffrey Eugenides"},
        {"Structure and Interpretation of Computer Programs", "Harold Abelson and Gerald Jay Sussman"},
    };

    @Option(names = "--count", paramLabel = "N", defaultValue = "10", description = "Number of books (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--force", description = "Erase an existing library even if it has loan records.")
    boolean force;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "resources", description = "Library folder (default ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws IOException {
        if (count < 1 || count > 1_000_000) {
            throw new CliException(ExitCodes.USAGE, "--count must be between 1 and 1000000, got " + count);
        }
        LibraryFiles files = new LibraryFiles(dir);
        if (files.exists() && !force) {
            long records = existingRecords(files);
            if (records > 0) {
                throw new CliException(ExitCodes.REFUSED, files.history() + " has " + records
                        + " loan records; refusing to erase them (use --force to start over)");
            }
        }
        files.create(catalog(count));
        System.out.println("Created a library of " + count + " books in " + dir + " (" + LibraryFiles.CATALOG + ", "
                + LibraryFiles.HISTORY + ")");
        return ExitCodes.OK;
    }

    private static long existingRecords(LibraryFiles files) {
        try (FileLibraryStore store = FileLibraryStore.open(files.dir(), java.time.Clock.systemUTC(), 14, "init")) {
            List<HistoryRecord> history = store.history(null);
            return history.size();
        } catch (StoreException e) {
            if (!java.nio.file.Files.exists(files.history())) {
                return 0;
            }
            throw new CliException(ExitCodes.REFUSED, e.getMessage() + " (use --force to start over)");
        }
    }

    /** N books: the classics, then further volumes of them for large benchmark libraries. */
    public static List<CatalogEntry> catalog(int n) {
        List<CatalogEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String[] book = CLASSICS[i % CLASSICS.length];
            int volume = i / CLASSICS.length + 1;
            String title = volume == 1 ? book[0] : book[0] + ", copy " + volume;
            entries.add(new CatalogEntry(i + 1, title, book[1]));
        }
        return entries;
    }
}
