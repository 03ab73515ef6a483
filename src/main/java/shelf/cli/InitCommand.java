package shelf.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import shelf.library.LibraryFiles;
import shelf.library.SampleCatalog;
import shelf.util.ExitCodes;
import shelf.util.VersionProvider;

/** {@code CreateBooks} / {@code shelf init}: writes a fresh library. */
@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Writes a fresh library of N real books (ids 1..N) under resources/.",
                "Refuses to erase a library that has loan records unless --force."})
public final class InitCommand implements Callable<Integer> {
    /** The library's size unless {@code --count} says otherwise (also what {@code cluster} creates). */
    static final int DEFAULT_BOOKS = 10;
    private static final int MAX_BOOKS = 1_000_000;

    @Option(names = "--count", paramLabel = "N", defaultValue = "" + DEFAULT_BOOKS,
            description = "Number of books (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--force", description = "Erase an existing library even if it has loan records.")
    boolean force;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "resources",
            description = "Library folder (default ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws IOException {
        if (count < 1 || count > MAX_BOOKS) {
            throw new CliException(ExitCodes.USAGE, "--count must be between 1 and " + MAX_BOOKS + ", got " + count);
        }
        LibraryFiles files = new LibraryFiles(libraryDir());
        // Loan records are never erased without --force, whatever else is missing (the catalogue, say).
        long records = files.historyRecords();
        if (records > 0 && !force) {
            throw new CliException(ExitCodes.REFUSED, files.history() + " has " + records
                    + " loan records; refusing to erase them (use --force to start over)");
        }
        files.create(SampleCatalog.books(count));
        System.out.println("Created a library of " + count + " books in " + dir + " (" + LibraryFiles.CATALOG + ", "
                + LibraryFiles.HISTORY + ")");
        return ExitCodes.OK;
    }

    /** The --dir folder: a folder, or a name not yet taken; never empty (that would be the current folder). */
    private Path libraryDir() {
        if (dir.toString().isBlank()) {
            throw new CliException(ExitCodes.USAGE, "--dir needs a folder name, e.g. --dir resources");
        }
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
            throw new CliException(ExitCodes.USAGE, "--dir " + dir + " is a file, not a folder");
        }
        return dir;
    }
}
