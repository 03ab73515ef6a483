package shelf.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

/**
 * A class-data-sharing archive of Shelf's classes for one program of the jar (a node, the client, a command): a JVM
 * started with it maps the classes it loaded last time, parsed and verified, instead of reading them from the jar.
 * It lies next to the jar, {@code shelf-<program>.jsa}, the same file the {@code bin/shelf} launcher uses.
 *
 * <p>Built on first use: a JVM started while the archive is missing or older than the jar records the classes it
 * loads and writes them when it exits ({@code -XX:ArchiveClassesAtExit}, to a file of its own); whoever waited for it
 * then {@link #adopt adopts} that file, renaming it over the archive. A stale archive is therefore rebuilt by the next
 * run after a build, and never an error: the JVM also checks the jar's size and time itself and silently loads from
 * the jar when they differ ({@code -Xshare:auto}, the default). {@code SHELF_CDS=off} in the environment turns it off.
 */
public final class ClassArchive {
    /** The environment variable that turns archives off ({@code SHELF_CDS=off}). */
    public static final String SWITCH = "SHELF_CDS";
    /** The dump's own warnings (classes it cannot archive, such as picocli's Java 5 classes) are not the program's output. */
    public static final String QUIET_DUMP = "-Xlog:cds=off,cds+dynamic=off";

    private final Path jar;
    private final Path file;

    private ClassArchive(Path jar, Path file) {
        this.jar = jar;
        this.file = file;
    }

    /** The archive of {@code program} (a main class or a command) for {@code jar}: {@code <jar's stem>-<program>.jsa}. */
    public static ClassArchive of(Path jar, String program) {
        String name = jar.getFileName().toString();
        String stem = name.endsWith(".jar") ? name.substring(0, name.length() - ".jar".length()) : name;
        return new ClassArchive(jar, jar.resolveSibling(stem + "-" + program + ".jsa"));
    }

    public Path file() {
        return file;
    }

    /** Whether the archive exists and was written after the jar was (a jar built since makes it stale). */
    public boolean fresh() {
        try {
            FileTime archive = Files.getLastModifiedTime(file);
            return Files.size(file) > 0 && archive.compareTo(Files.getLastModifiedTime(jar)) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code options} (a JVM command line) already chose about class data sharing, or the environment turned it off. */
    public static boolean chosenElsewhere(List<String> options, String environmentSwitch) {
        return "off".equalsIgnoreCase(environmentSwitch) || options.stream().anyMatch(o -> o.startsWith("-Xshare")
                || o.contains("SharedArchiveFile") || o.contains("ArchiveClassesAtExit"));
    }

    /** The option that maps the archive, when it is fresh. */
    public Optional<String> useOption() {
        return fresh() ? Optional.of("-XX:SharedArchiveFile=" + file) : Optional.empty();
    }

    /**
     * A recording for one JVM: a file of its own ({@code tag}: something unique to it, such as a node id and a pid), and
     * the jar's time now, so that an archive recorded from a jar replaced meanwhile is not adopted.
     */
    public Recording record(String tag) {
        return new Recording(file.resolveSibling(file.getFileName() + "." + tag + ".tmp"), jarTime());
    }

    private Optional<FileTime> jarTime() {
        try {
            return Optional.of(Files.getLastModifiedTime(jar));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * After the recording JVM exited: renames its file over the archive when it was written whole (the JVM wrote
     * something and {@code keep}: it ended as it should) from the jar that is still there, else deletes it. Never fails:
     * without an archive a JVM just starts colder.
     *
     * @return whether the archive was replaced
     */
    public boolean adopt(Recording recording, boolean keep) {
        Path pending = recording.file();
        try {
            if (keep && recording.jarTime().isPresent() && recording.jarTime().equals(jarTime())
                    && Files.isRegularFile(pending) && Files.size(pending) > 0) {
                Files.move(pending, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return true;
            }
            Files.deleteIfExists(pending);
        } catch (IOException e) {
            // another JVM's archive may have taken its place; this one is simply not used
        }
        return false;
    }

    /** One JVM's recording of the classes it loads: the file it writes when it exits, and the jar's time when it started. */
    public record Recording(Path file, Optional<FileTime> jarTime) {
        /** The options that make a JVM write its recording when it exits. */
        public List<String> options() {
            return List.of("-XX:ArchiveClassesAtExit=" + file, QUIET_DUMP);
        }
    }
}
