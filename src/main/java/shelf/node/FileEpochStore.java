package shelf.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import shelf.election.EpochStore;
import shelf.election.Epochs;
import shelf.library.LibraryFiles;
import shelf.util.ExitCodes;

/**
 * The highest epoch a node has seen, in {@code resources/node-<id>.epoch}, replaced atomically and fsynced. Opened (and
 * validated) by the composition root before the node starts; then called by the election on the protocol thread
 * (blocking while it writes).
 */
public final class FileEpochStore implements EpochStore {
    private final Path file;
    private final long loaded;

    private FileEpochStore(Path file, long loaded) {
        this.file = file;
        this.loaded = loaded;
    }

    /**
     * Reads node {@code nodeId}'s epoch file in {@code dir} (0 when there is none).
     *
     * @throws NodeStartException with exit code 1 and the file named, when the file cannot be read or does not hold a
     *                            whole number in {@code 0..}{@link Epochs#CEILING}: a damaged or edited file is not
     *                            guessed at (deleting it is safe: the node then takes its epoch from its peers and the
     *                            library's highest token)
     */
    public static FileEpochStore open(Path dir, int nodeId) throws NodeStartException {
        Path file = dir.resolve("node-" + nodeId + ".epoch");
        String me = "node " + nodeId + ": " + file;
        if (!Files.exists(file)) {
            return new FileEpochStore(file, 0);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new NodeStartException(ExitCodes.REFUSED, me + ": cannot read the epoch: " + e.getMessage());
        }
        long epoch;
        try {
            epoch = Long.parseLong(text);
        } catch (NumberFormatException e) {
            epoch = -1;
        }
        if (!Epochs.isSane(epoch)) {
            String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
            throw new NodeStartException(ExitCodes.REFUSED, me + ": not an epoch: '" + shown + "' (a whole number from 0 to "
                    + Epochs.CEILING + " expected); restore the file, or delete it and the node takes its epoch from its"
                    + " peers and the library");
        }
        return new FileEpochStore(file, epoch);
    }

    @Override
    public long load() {
        return loaded;
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
