package shelf.library;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.util.AtomicFiles;

/**
 * The library's users in one JSON file next to the library ({@code users.file=resources/users.json}), which every
 * node reads: {@code {"format":1,"sessionKey":"…","users":[{"name","algorithm","iterations","salt","hash"},…]}}
 * (bytes in base64).
 *
 * <p>The file holds PIN hashes and the key that signs session tickets, so it is written owner-only ({@code rw-------})
 * and atomically: a new file created owner-only from the start, written, fsynced and renamed over the old one, so a
 * reader sees the old or the new file, never a mix, and it is never readable by others, not even briefly. Writers
 * ({@code users add|remove}) take an OS lock on {@code <file>.lock} so that two of them do not lose each other's change.
 * Readers (nodes) parse the file again only when it changed (its modification time, size or inode), so checking a
 * session on every request costs a {@code stat}. Thread-safe.
 */
public final class FileUserDirectory implements UserDirectory {
    private static final Logger log = LoggerFactory.getLogger(FileUserDirectory.class);
    private static final int FORMAT = 1;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** The file's contents, as Jackson reads and writes them. */
    record Contents(int format, byte[] sessionKey, List<UserCredential> users) {
    }

    private record Stamp(FileTime modified, long size, Object inode) {
    }

    private record Snapshot(Stamp stamp, Contents contents) {
    }

    private final Path file;
    private final SecureRandom random;
    private Snapshot cached;

    public FileUserDirectory(Path file, SecureRandom random) {
        this.file = file;
        this.random = random;
    }

    @Override
    public Optional<UserCredential> find(String name) throws StoreException {
        Contents c = read();
        return c == null ? Optional.empty() : c.users().stream().filter(u -> u.name().equals(name)).findFirst();
    }

    @Override
    public List<String> names() throws StoreException {
        Contents c = read();
        return c == null ? List.of() : c.users().stream().map(UserCredential::name).sorted().toList();
    }

    @Override
    public byte[] sessionKey() throws StoreException {
        Contents c = read();
        if (c == null) {
            throw new StoreException(file + " does not exist: add a user first (users add <name>)");
        }
        return c.sessionKey().clone();
    }

    @Override
    public boolean add(UserCredential user) throws StoreException {
        return update(c -> {
            if (c.users().stream().anyMatch(u -> u.name().equals(user.name()))) {
                return null;
            }
            List<UserCredential> users = new ArrayList<>(c.users());
            users.add(user);
            return new Contents(FORMAT, c.sessionKey(), users);
        });
    }

    @Override
    public boolean remove(String name) throws StoreException {
        return update(c -> {
            List<UserCredential> users = c.users().stream().filter(u -> !u.name().equals(name)).toList();
            return users.size() == c.users().size() ? null : new Contents(FORMAT, c.sessionKey(), users);
        });
    }

    @Override
    public String location() {
        return file.toString();
    }

    /** The file's contents, parsed again only if it changed since the last read; null when there is no file. */
    private synchronized Contents read() throws StoreException {
        BasicFileAttributes attributes;
        byte[] bytes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Stamp stamp = new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
            if (cached != null && cached.stamp().equals(stamp)) {
                return cached.contents();
            }
            bytes = Files.readAllBytes(file);
            cached = new Snapshot(stamp, parse(bytes));
        } catch (NoSuchFileException e) {
            cached = null;
            return null;
        } catch (IOException e) {
            throw new StoreException(file + ": cannot read: " + e.getMessage(), e);
        }
        warnIfOthersCanRead();
        return cached.contents();
    }

    private Contents parse(byte[] bytes) throws StoreException {
        Contents c;
        try {
            c = Json.MAPPER.readValue(bytes, Contents.class);
        } catch (JsonProcessingException e) {
            // Where, not what: the parser's message may quote the file, and the file holds hashes and the key.
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw new StoreException(file + ": not a valid users file" + where);
        } catch (IOException e) {
            throw new StoreException(file + ": cannot read: " + e.getMessage(), e);
        }
        String problem = problem(c);
        if (problem != null) {
            throw new StoreException(file + ": not a valid users file: " + problem);
        }
        return c;
    }

    private static String problem(Contents c) {
        if (c == null || c.format() != FORMAT) {
            return "expected \"format\": " + FORMAT;
        }
        if (c.sessionKey() == null || c.sessionKey().length < SESSION_KEY_BYTES) {
            return "the session key is missing or shorter than " + SESSION_KEY_BYTES + " bytes";
        }
        return c.users() == null ? "no \"users\" list" : problem(c.users());
    }

    private static String problem(List<UserCredential> users) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < users.size(); i++) {
            UserCredential u = users.get(i);
            if (u == null) {
                return "user " + (i + 1) + ": empty";
            }
            String problem = UserCredential.problem(u);
            if (problem == null && !seen.add(u.name())) {
                problem = "listed twice";
            }
            if (problem != null) {
                return "user " + (i + 1) + (Usernames.isValid(u.name()) ? " (" + u.name() + ")" : "") + ": " + problem;
            }
        }
        return null;
    }

    private void warnIfOthersCanRead() {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                log.warn("{} is readable by other users ({}); it holds PIN hashes and the session key: chmod 600 it", file,
                        PosixFilePermissions.toString(p));
            }
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system, or the file went away: nothing to say
        }
    }

    /** Applies {@code change} to the current contents (or a new, empty directory) under the writers' lock. */
    private synchronized boolean update(UnaryOperator<Contents> change) throws StoreException {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    ownerOnly(dir))) {
                FileLock lock = ch.lock();
                try {
                    return apply(change);
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new StoreException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private boolean apply(UnaryOperator<Contents> change) throws StoreException, IOException {
        Contents current = read();
        if (current == null) {
            byte[] key = new byte[SESSION_KEY_BYTES];
            random.nextBytes(key);
            current = new Contents(FORMAT, key, List.of());
        }
        Contents next = change.apply(current);
        if (next == null) {
            return false;
        }
        writePrivately(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(next));
        return true;
    }

    /**
     * Replaces {@code target} with {@code content} atomically, owner-only: a temporary file in the same folder, created
     * {@code rw-------} (so never readable by others, not even briefly), written and fsynced, then renamed over it.
     */
    static void writePrivately(Path target, byte[] content) throws IOException {
        AtomicFiles.write(target, content, AtomicFiles.OWNER_ONLY);
    }

    /** {@code rw-------} where the file system has POSIX permissions (elsewhere, the folder's own access rules). */
    private static FileAttribute<?>[] ownerOnly(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
    }
}
