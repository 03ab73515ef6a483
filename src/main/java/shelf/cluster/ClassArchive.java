package shelf.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A class-data-sharing archive of the classes one program of the jar loads (a node, the client, a command): a JVM
 * started with it maps those classes, parsed, verified and linked, and the JDK's objects they need at start (the
 * module graph, interned strings) instead of building them. It lies next to the jar, {@code shelf-<program>.jsa}, the
 * same file the {@code bin/shelf} launcher uses.
 *
 * <p>A static archive ({@code -Xshare:dump}), built from the list of classes a run loaded: a JVM started while the
 * archive is missing or older than the jar writes that list as it goes ({@code -XX:DumpLoadedClassList}, to a file of
 * its own); whoever waited for it then {@link #adopt adopts} it, which dumps the archive from the list (a few seconds,
 * once per build) and renames it over the old one. On JDK 17 a static archive starts a JVM about 6 % sooner than a
 * dynamic one ({@code -XX:ArchiveClassesAtExit}) layered on the JDK's own: it also holds the JDK classes the program
 * uses, picocli's Java 5 classes (a dynamic archive refuses them) and the archived heap objects (BENCHMARKS.md). A stale
 * archive is therefore rebuilt after the next run of a new build, and never an error: the JVM also checks the jar's
 * size and time itself and silently loads from the jar when they differ ({@code -Xshare:auto}, the default).
 * {@code SHELF_CDS=off} in the environment turns it off.
 */
public final class ClassArchive {
    /** The environment variable that turns archives off ({@code SHELF_CDS=off}). */
    public static final String SWITCH = "SHELF_CDS";
    /** The JVM's notes about the archive (classes it leaves out, an archive that does not match) are not the program's output. */
    public static final String QUIET = "-Xlog:cds=off,cds+dynamic=off";
    /** The longest a dump may take (a node's archive takes about 5 s on a busy two-core machine). */
    private static final long DUMP_LIMIT_SECONDS = 120;
    private static final Path NICE = Path.of("/usr/bin/nice");

    private final Path jar;
    private final Path file;
    /** The {@code java} that dumps archives: this JVM's, so that the archive matches the JVM that maps it. */
    private final Path java;

    ClassArchive(Path jar, Path file, Path java) {
        this.jar = jar;
        this.file = file;
        this.java = java;
    }

    /** The archive of {@code program} (a main class or a command) for {@code jar}: {@code <jar's stem>-<program>.jsa}. */
    public static ClassArchive of(Path jar, String program) {
        String name = jar.getFileName().toString();
        String stem = name.endsWith(".jar") ? name.substring(0, name.length() - ".jar".length()) : name;
        return new ClassArchive(jar, jar.resolveSibling(stem + "-" + program + ".jsa"),
                Path.of(System.getProperty("java.home"), "bin", "java"));
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
                || o.contains("SharedArchiveFile") || o.contains("ArchiveClassesAtExit") || o.contains("DumpLoadedClassList"));
    }

    /** The option that maps the archive, when it is fresh. */
    public Optional<String> useOption() {
        return fresh() ? Optional.of("-XX:SharedArchiveFile=" + file) : Optional.empty();
    }

    /**
     * A recording for one JVM: files of its own ({@code tag}: something unique to it, such as a node id and a pid), and
     * the jar's time now, so that a list recorded from a jar replaced meanwhile is not adopted.
     */
    public Recording record(String tag) {
        Path base = file.resolveSibling(file.getFileName() + "." + tag);
        return new Recording(Path.of(base + ".classlist"), Path.of(base + ".tmp"), jarTime());
    }

    private Optional<FileTime> jarTime() {
        try {
            return Optional.of(Files.getLastModifiedTime(jar));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * After the recording JVM exited: when it ended as it should ({@code keep}), wrote its list whole, and the jar it
     * ran is still there, dumps the archive from the list and renames it over the old one; deletes the list and any
     * half-written dump either way. Never fails: without an archive a JVM just starts colder.
     *
     * @return whether the archive was replaced
     */
    public boolean adopt(Recording recording, boolean keep) {
        try {
            if (!keep || recording.jarTime().isEmpty() || !recording.jarTime().equals(jarTime())
                    || !Files.isRegularFile(recording.classList()) || Files.size(recording.classList()) == 0
                    || !dump(recording.classList(), recording.dump())) {
                return false;
            }
            Files.move(recording.dump(), file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            return false; // another JVM's archive may have taken its place; this one is simply not used
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            deleteQuietly(recording.classList());
            deleteQuietly(recording.dump());
        }
    }

    /**
     * {@code java -Xshare:dump} of the classes in {@code classList} into {@code target}, with the jar on the class path;
     * at a lower priority ({@code nice}), since it is work for later: the cores go first to what runs now.
     */
    private boolean dump(Path classList, Path target) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(NICE)) {
            command.addAll(List.of(NICE.toString(), "-n", "10"));
        }
        command.addAll(List.of(java.toString(), "-Xshare:dump", "-XX:SharedClassListFile=" + classList,
                "-XX:SharedArchiveFile=" + target, QUIET, "-cp", jar.toString()));
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true)
                .start();
        if (!p.waitFor(DUMP_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return false;
        }
        return p.exitValue() == 0 && Files.isRegularFile(target) && Files.size(target) > 0;
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            // a leftover file next to the jar is harmless: the next build's clean removes it
        }
    }

    /**
     * One JVM's recording: the list of classes it writes as it loads them, the file its archive is dumped to before it
     * is renamed into place, and the jar's time when it started.
     */
    public record Recording(Path classList, Path dump, Optional<FileTime> jarTime) {
        /** The options that make a JVM write its list of classes. */
        public List<String> options() {
            return List.of("-XX:DumpLoadedClassList=" + classList);
        }
    }
}
