package shelf.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * The one way Shelf replaces a small file (catalogue, epochs, keys, users): a reader sees the old content or the
 * new, never a mix, and after a power loss the file is one or the other too. A temporary file in the same folder is
 * created with the final permissions from its first byte (a private key is never readable by others, not even
 * briefly), written and fsynced, renamed over the target, and the folder is fsynced so the rename survives.
 * Blocking; any thread.
 */
public final class AtomicFiles {
    /** {@code rw-------}: private keys, the users file. */
    public static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private AtomicFiles() {
    }

    /**
     * Replaces {@code target} with {@code content}; the new file gets {@code permissions} (less the umask), or the
     * file system's defaults when {@code permissions} is null or the file system has no POSIX permissions.
     */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = create(tmp, permissions)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Makes the folder entry of {@code file} durable (a rename or a creation), where the OS allows it. */
    public static void syncDirectory(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }

    private static FileChannel create(Path file, Set<PosixFilePermission> permissions) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (permissions == null) {
            return FileChannel.open(file, options);
        }
        FileAttribute<?> attribute = PosixFilePermissions.asFileAttribute(permissions);
        try {
            return FileChannel.open(file, options, attribute);
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(file, options); // not a POSIX file system
        }
    }
}
