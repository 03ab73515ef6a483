package shelf.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive's life with a stand-in for {@code java} that writes down how it is asked to dump and writes the file. */
class ClassArchiveTest {
    @TempDir
    Path dir;
    Path jar;
    Path java;
    Path dumps;
    ClassArchive archive;

    @BeforeEach
    void aJarAndAJava() throws Exception {
        jar = Files.write(dir.resolve("shelf.jar"), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-11-30T10:00:00Z")));
        dumps = dir.resolve("dumps");
        java = javaThatExits(0);
        archive = new ClassArchive(jar, dir.resolve("shelf-RmiNode.jsa"), java);
    }

    /** A {@code java} that writes down its arguments, writes the archive it is asked for, and exits with {@code code}. */
    private Path javaThatExits(int code) throws Exception {
        Path j = dir.resolve("java");
        Files.writeString(j, String.join("\n", "#!/bin/sh",
                "echo \"$@\" >> " + dumps,
                "for a in \"$@\"; do case $a in -XX:SharedArchiveFile=*) echo archive > \"${a#*=}\" ;; esac; done",
                "exit " + code, ""), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(j, PosixFilePermissions.fromString("rwx------"));
        return j;
    }

    /** A recording whose JVM wrote its list of classes. */
    private ClassArchive.Recording recorded(String tag) throws Exception {
        ClassArchive.Recording r = archive.record(tag);
        Files.writeString(r.classList(), "java/lang/Object id: 0\nRmiNode\n");
        return r;
    }

    private List<String> left() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".classlist") || f.endsWith(".tmp"))
                    .toList();
        }
    }

    @Test
    void liesNextToTheJarNamedForItsProgram() {
        assertEquals(dir.resolve("shelf-RmiNode.jsa"), ClassArchive.of(jar, "RmiNode").file());
    }

    @Test
    void aMissingArchiveIsRecordedByTheNextRun() {
        assertFalse(archive.fresh());
        assertEquals(Optional.empty(), archive.useOption());
        ClassArchive.Recording r = archive.record("node-1-42");
        assertEquals(List.of("-XX:DumpLoadedClassList=" + dir.resolve("shelf-RmiNode.jsa.node-1-42.classlist")), r.options());
    }

    @Test
    void anAdoptedRecordingIsDumpedFromItsListAndUsedUntilTheJarChanges() throws Exception {
        ClassArchive.Recording r = recorded("a");

        assertTrue(archive.adopt(r, true));
        assertEquals(List.of("-Xshare:dump -XX:SharedClassListFile=" + r.classList() + " -XX:SharedArchiveFile=" + r.dump()
                + " -Xlog:cds=off,cds+dynamic=off -cp " + jar), Files.readAllLines(dumps));
        assertEquals(List.of("archive"), Files.readAllLines(archive.file()));
        assertEquals(List.of(), left());
        assertTrue(archive.fresh());
        assertEquals(Optional.of("-XX:SharedArchiveFile=" + archive.file()), archive.useOption());

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5))); // a new build
        assertFalse(archive.fresh());
    }

    @Test
    void aRecordingOfARunThatFailedOrWroteNothingIsNotDumped() throws Exception {
        assertFalse(archive.adopt(recorded("a"), false));

        ClassArchive.Recording killed = archive.record("b"); // kill -9 before the first class: no list
        assertFalse(archive.adopt(killed, true));
        ClassArchive.Recording empty = archive.record("c");
        Files.write(empty.classList(), new byte[0]);
        assertFalse(archive.adopt(empty, true));

        assertFalse(Files.exists(dumps));
        assertFalse(Files.exists(archive.file()));
        assertEquals(List.of(), left());
    }

    @Test
    void aDumpThatFailsLeavesTheOldArchive() throws Exception {
        Files.writeString(archive.file(), "old");
        javaThatExits(1);

        assertFalse(archive.adopt(recorded("a"), true));
        assertEquals(List.of("old"), Files.readAllLines(archive.file()));
        assertEquals(List.of(), left());
    }

    @Test
    void aRecordingFromAJarReplacedMeanwhileIsDropped() throws Exception {
        ClassArchive.Recording r = recorded("a");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-11-30T11:00:00Z")));

        assertFalse(archive.adopt(r, true));
        assertFalse(Files.exists(archive.file()));
        assertFalse(Files.exists(dumps));
        assertEquals(List.of(), left());
    }

    @Test
    void anEmptyArchiveIsStale() throws Exception {
        Files.write(archive.file(), new byte[0]);
        assertFalse(archive.fresh());
    }

    @Test
    void theJvmOptionsOrTheEnvironmentMayChooseOtherwise() {
        assertFalse(ClassArchive.chosenElsewhere(List.of("-Xmx64m"), null));
        assertTrue(ClassArchive.chosenElsewhere(List.of("-Xmx64m"), "off"));
        assertTrue(ClassArchive.chosenElsewhere(List.of("-Xshare:off"), null));
        assertTrue(ClassArchive.chosenElsewhere(List.of("-XX:SharedArchiveFile=/x.jsa"), "on"));
    }
}
