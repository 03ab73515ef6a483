package shelf.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import shelf.election.EpochStore;
import shelf.library.LibraryFiles;

/**
 * The highest epoch a node has seen, in {@code resources/node-<id>.epoch}, replaced atomically and fsynced. Called by
 * the election on the protocol thread (blocking while it writes); built by the composition root.
 */
public final class FileEpochStore implements EpochStore {
    private final Path file;

    public FileEpochStore(Path dir, int nodeId) {
        this.file = dir.resolve("node-" + nodeId + ".epoch");
    }

    @Override
    public long load() {
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException(file + ": cannot read the epoch: " + e.getMessage(), e);
        }
    }

    @Override
    public void save(long epoch) {
        try {
            LibraryFiles.writeAtomically(file, (epoch + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot persist epoch " + epoch, e);
        }
    }
}
