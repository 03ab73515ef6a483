package shelf.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import shelf.util.AtomicFiles;

/**
 * How commands in other terminals ({@code cluster status}, {@code cluster restart 5}) ask the running {@code cluster}
 * process of a folder to act: a request is a file {@code logs/cluster/control/<uuid>.request} holding one line, the
 * answer a file {@code <uuid>.response} holding the exit code on its first line and the text for the user after it.
 * Both are written whole (written aside, then renamed) and owner-only, inside the owner-only
 * {@code logs/cluster/} ({@link ClusterLock}), so only the user who runs the cluster can ask it anything: the file
 * system's permissions are the access check, with no socket, port or token to guard. The cluster process looks for
 * requests between two reads of the node logs (every 100 ms) and answers on its main thread, the one that owns the
 * node processes.
 */
public final class ControlChannel {
    /** A request is one short line: {@code status}, {@code restart 5}. */
    private static final int MAX_REQUEST_BYTES = 256;
    private static final long POLL_MS = 50;
    /** How often a waiting client checks that the cluster process still runs. */
    private static final long OWNER_CHECK_MS = 1_000;
    private static final String REQUEST = ".request";
    private static final String RESPONSE = ".response";
    private static final Pattern ID = Pattern.compile("[0-9a-f-]{36}");

    private final Path dir;
    private final Path folder;

    private ControlChannel(Path dir, Path folder) {
        this.dir = dir;
        this.folder = folder;
    }

    /** The control channel of the cluster of folder {@code dir}. */
    public static ControlChannel of(Path dir) throws IOException {
        Path folder = ClusterLock.folder(dir).resolve("control");
        Files.createDirectories(folder);
        return new ControlChannel(dir, folder);
    }

    /** One request read by the cluster process. */
    public record Request(String id, String command) {
    }

    /** The cluster process's answer: an exit code for the asking command, and what it prints. */
    public record Response(int code, String text) {
    }

    @Override
    public String toString() {
        return folder.toString();
    }

    /** The owner, once it holds the lock: deletes what an earlier cluster process left unanswered. */
    public void clear() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** The owner: the requests waiting, oldest first by name order, each removed as it is read. */
    public List<Request> take() throws IOException {
        List<Request> requests = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + REQUEST)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String id = name.substring(0, name.length() - REQUEST.length());
                if (!ID.matcher(id).matches() || Files.size(f) > MAX_REQUEST_BYTES) {
                    Files.deleteIfExists(f); // not written by a Shelf command: ignored
                    continue;
                }
                String command = Files.readString(f, StandardCharsets.UTF_8).trim();
                Files.delete(f);
                requests.add(new Request(id, command));
            }
        } catch (NoSuchFileException e) {
            // a request taken back by a client that stopped waiting
        }
        return requests;
    }

    /** The owner: answers {@code request}. */
    public void answer(Request request, Response response) throws IOException {
        AtomicFiles.write(folder.resolve(request.id() + RESPONSE),
                (response.code() + "\n" + response.text()).getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_ONLY);
    }

    /**
     * A client: sends {@code command} and waits for the answer.
     *
     * @throws IOException when no cluster process runs in the folder, or it ends or does not answer within {@code timeout}
     */
    public Response send(String command, Duration timeout) throws IOException, InterruptedException {
        String id = UUID.randomUUID().toString();
        Path request = folder.resolve(id + REQUEST);
        Path response = folder.resolve(id + RESPONSE);
        AtomicFiles.write(request, (command + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_ONLY);
        long start = System.nanoTime();
        long lastOwnerCheck = start;
        try {
            while (!Files.exists(response)) {
                long now = System.nanoTime();
                if (now - start > timeout.toNanos()) {
                    throw new IOException("the cluster process did not answer '" + command + "' within "
                            + timeout.toSeconds() + " s");
                }
                if (now - lastOwnerCheck > OWNER_CHECK_MS * 1_000_000) {
                    lastOwnerCheck = now;
                    if (ClusterLock.owner(dir).isEmpty()) {
                        throw new IOException("the cluster process ended before it answered '" + command + "'");
                    }
                }
                Thread.sleep(POLL_MS);
            }
            return parse(Files.readAllLines(response, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(request);
            Files.deleteIfExists(response);
        }
    }

    private static Response parse(List<String> lines) throws IOException {
        try {
            return new Response(Integer.parseInt(lines.get(0).trim()), String.join(System.lineSeparator(),
                    lines.subList(1, lines.size())));
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            throw new IOException("the cluster process's answer is not one: " + lines);
        }
    }
}
