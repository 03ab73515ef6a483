package shelf.cli;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion of the client's prompt: command names first, then book ids after {@code borrow}, {@code return},
 * {@code renew} and {@code history} (the library's, fetched from the node at most every {@link #REFRESH_MS}), node ids
 * after {@code node}. Also where the prompt keeps its history.
 */
final class PromptCompleter implements Completer {
    static final List<String> COMMANDS = List.of("list", "borrow", "return", "renew", "loans", "history", "node", "help",
            "quit");
    static final long REFRESH_MS = 5_000;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final ClientSession session;
    private List<String> bookIds = List.of();
    private long fetchedAt;

    PromptCompleter(ClientSession session) {
        this.session = session;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        candidatesFor(line.words(), line.wordIndex()).forEach(c -> candidates.add(new Candidate(c)));
    }

    /** What may stand as word {@code index} of a line whose words are {@code words}. */
    List<String> candidatesFor(List<String> words, int index) {
        if (index == 0) {
            return COMMANDS;
        }
        if (index != 1 || words.isEmpty()) {
            return List.of();
        }
        return switch (words.get(0).toLowerCase(Locale.ROOT)) {
            case "borrow", "return", "renew", "history" -> bookIds();
            case "node" -> session.nodeIds().stream().map(String::valueOf).toList();
            default -> List.of();
        };
    }

    private List<String> bookIds() {
        long now = System.nanoTime();
        if (bookIds.isEmpty() || now - fetchedAt > REFRESH_MS * 1_000_000) {
            bookIds = session.bookIds();
            fetchedAt = now;
        }
        return bookIds;
    }

    /**
     * The prompt's history file, {@code logs/client-<user>.history} under the working directory (next to the user's
     * log: one history per user and cluster folder), created owner-only (rw-------) where the file system allows.
     */
    static Path historyFile(String user) throws IOException {
        Path file = Path.of("logs", "client-" + user + ".history");
        Files.createDirectories(file.getParent());
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (Files.notExists(file)) {
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(file);
            }
        } else if (posix) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
        return file;
    }
}
