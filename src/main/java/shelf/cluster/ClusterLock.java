package shelf.cluster;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import shelf.util.AtomicFiles;

/**
 * The one {@code cluster} process of a folder. It holds an operating-system lock on {@code logs/cluster/lock} for its
 * whole life ({@link FileChannel#tryLock}: the kernel releases it when the process ends, however it ends, so a
 * {@code kill -9} leaves no stale lock) and writes its pid to {@code logs/cluster/pid} (owner-only). The pid file
 * is believed only while the lock is held: the lock says whether a cluster runs, the pid file says which process.
 * {@code logs/cluster/} itself is owner-only ({@code rwx------}), so no other user can write the control requests
 * that live there ({@link ControlChannel}).
 *
 * <p>The lock is a POSIX record lock, which belongs to the process: closing any channel of this process on the lock
 * file would release it. So the process that holds it never calls {@link #owner} (a probe) on its own folder.
 */
public final class ClusterLock implements AutoCloseable {
    private static final String STOPPED = "stopped";
    private final FileChannel channel;
    private final FileLock lock;
    private final Path pidFile;

    private ClusterLock(FileChannel channel, FileLock lock, Path pidFile) {
        this.channel = channel;
        this.lock = lock;
        this.pidFile = pidFile;
    }

    /** {@code dir/logs/cluster}: the lock, the pid file and the control requests of the cluster of folder {@code dir}. */
    public static Path folder(Path dir) throws IOException {
        Path folder = dir.resolve("logs").resolve("cluster");
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder.getParent());
            try {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                Files.createDirectory(folder); // not a POSIX file system
            }
        }
        return folder;
    }

    /**
     * Makes this process the cluster of folder {@code dir}.
     *
     * @throws AlreadyRunningException when another process is (its pid, or -1 while it has not written it yet)
     */
    public static ClusterLock acquire(Path dir) throws IOException {
        Path folder = folder(dir);
        FileChannel channel = open(folder);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this very JVM runs it
        }
        if (lock == null) {
            channel.close();
            throw new AlreadyRunningException(dir, readPid(folder.resolve("pid")));
        }
        Path pidFile = folder.resolve("pid");
        AtomicFiles.write(pidFile, (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII),
                AtomicFiles.OWNER_ONLY);
        return new ClusterLock(channel, lock, pidFile);
    }

    /** The pid of the cluster process that runs folder {@code dir} (-1 if it has not written it yet), or empty if none. */
    public static OptionalLong owner(Path dir) throws IOException {
        Path folder = dir.resolve("logs").resolve("cluster");
        if (Files.notExists(folder.resolve("lock"))) {
            return OptionalLong.empty();
        }
        if (!Files.exists(folder.resolve("lock"))) { // there, but this user may not look into the owner-only folder
            throw new AccessDeniedException(folder.toString(), null, "the folder belongs to "
                    + Files.getOwner(folder).getName() + " and this user may not look into it: ask as that user");
        }
        try (ClusterLock probe = acquireQuietly(folder)) {
            return probe != null ? OptionalLong.empty() : OptionalLong.of(readPid(folder.resolve("pid")));
        }
    }

    private static ClusterLock acquireQuietly(Path folder) throws IOException {
        FileChannel channel = open(folder);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new ClusterLock(channel, lock, null);
            }
        } catch (OverlappingFileLockException e) {
            // held by this JVM
        }
        channel.close();
        return null;
    }

    private static FileChannel open(Path folder) throws IOException {
        Path file = folder.resolve("lock");
        try {
            return FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(AtomicFiles.OWNER_ONLY));
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
    }

    private static long readPid(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Leaves {@code report} (what the cluster did as it stopped) in {@code logs/cluster/stopped} for {@code cluster stop}
     * to print, then {@link #close}s.
     */
    public void close(List<String> report) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("pid " + ProcessHandle.current().pid());
        lines.addAll(report);
        AtomicFiles.write(pidFile.resolveSibling(STOPPED), (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8),
                AtomicFiles.OWNER_ONLY);
        close();
    }

    /** What cluster process {@code pid} of folder {@code dir} reported as it stopped; empty if it left no report. */
    public static List<String> stopReport(Path dir, long pid) throws IOException {
        Path file = dir.resolve("logs").resolve("cluster").resolve(STOPPED);
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        return !lines.isEmpty() && lines.get(0).equals("pid " + pid) ? lines.subList(1, lines.size()) : List.of();
    }

    /** Deletes the pid file (when this process wrote it) and releases the lock. */
    @Override
    public void close() throws IOException {
        if (pidFile != null) {
            Files.deleteIfExists(pidFile);
        }
        lock.release();
        channel.close();
    }

    /** Another process already runs the cluster of this folder. */
    public static final class AlreadyRunningException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long pid;

        AlreadyRunningException(Path dir, long pid) {
            super("a cluster is already running in " + dir + " (" + (pid > 0 ? "pid " + pid : "starting, pid not yet written")
                    + "): see it with 'cluster status', stop it with 'cluster stop'");
            this.pid = pid;
        }

        /** The running cluster's pid, or -1 if it has not written it yet. */
        public long pid() {
            return pid;
        }
    }
}
