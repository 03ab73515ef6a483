package shelf.library;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the shared folder. */
class FileLibraryStoreContractTest extends LibraryStoreContract {
    @TempDir
    Path dir;

    @Override
    protected void createLibrary(List<CatalogEntry> catalog) throws Exception {
        new LibraryFiles(dir).create(catalog);
    }

    @Override
    protected LibraryStore openStore(Clock clock) throws Exception {
        return FileLibraryStore.open(dir, clock, 14, "test");
    }
}
