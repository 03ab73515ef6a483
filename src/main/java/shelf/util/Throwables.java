package shelf.util;

import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;

/** Exception chains, for the one-line messages users see (RMI wraps the cause that explains a failure). */
public final class Throwables {
    private Throwables() {
    }

    /**
     * The innermost cause of {@code e}: {@code e} itself when it has none. A chain that loops back on itself
     * (possible with {@code initCause}) ends at the first exception met twice.
     */
    public static Throwable rootCause(Throwable e) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable root = e;
        while (root.getCause() != null && seen.add(root)) {
            root = root.getCause();
        }
        return root;
    }

    /** Whether {@code e} or one of its causes is {@code test}'s; a chain that loops back on itself ends too. */
    public static boolean anyCause(Throwable e, Predicate<Throwable> test) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The reason for a failure in one line: its innermost cause, "connection refused" for a peer that does not listen,
     * else the cause's kind and the first line of its message (RMI's wrappers span lines: "…; nested exception is:").
     */
    public static String oneLine(Throwable e) {
        Throwable root = rootCause(e);
        if (root instanceof ConnectException) {
            return "connection refused";
        }
        String first = Texts.firstLine(root.getMessage(), "");
        return root.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
    }

    /**
     * A file system's refusal in words, naming the file: what {@code Files} throws carries only the path and, for a
     * few kinds, nothing else ({@code FileAlreadyExistsException: logs} when a file named {@code logs} stands where a
     * folder is created).
     */
    public static String fileProblem(FileSystemException e) {
        String file = e.getFile() == null ? "a file" : e.getFile();
        String other = e.getOtherFile() == null ? "" : " (and " + e.getOtherFile() + ")";
        if (e instanceof FileAlreadyExistsException) {
            return file + other + " is in the way: something of that name is already there where Shelf creates a folder"
                    + " or a file; move it away";
        }
        if (e instanceof NotDirectoryException) {
            return file + other + " is not a folder";
        }
        if (e instanceof AccessDeniedException) {
            return file + other + ": permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return file + other + ": no such file or folder";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return file + other + ": the folder is not empty";
        }
        return file + other + ": " + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName());
    }
}
