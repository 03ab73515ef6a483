package shelf.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchiveTest {
    @TempDir
    Path dir;
    Path jar;
    ClassArchive archive;

    @BeforeEach
    void aJar() throws Exception {
        jar = Files.write(dir.resolve("shelf.jar"), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-11-30T10:00:00Z")));
        archive = ClassArchive.of(jar, "RmiNode");
    }

    @Test
    void liesNextToTheJarNamedForItsProgram() {
        assertEquals(dir.resolve("shelf-RmiNode.jsa"), archive.file());
    }

    @Test
    void aMissingArchiveIsRecordedByTheNextRun() {
        assertFalse(archive.fresh());
        assertEquals(Optional.empty(), archive.useOption());
        ClassArchive.Recording r = archive.record("node-1-42");
        assertEquals(List.of("-XX:ArchiveClassesAtExit=" + dir.resolve("shelf-RmiNode.jsa.node-1-42.tmp"),
                "-Xlog:cds=off,cds+dynamic=off"), r.options());
    }

    @Test
    void anAdoptedRecordingIsUsedUntilTheJarChanges() throws Exception {
        ClassArchive.Recording r = archive.record("a");
        Files.write(r.file(), new byte[] {9});

        assertTrue(archive.adopt(r, true));
        assertFalse(Files.exists(r.file()));
        assertTrue(archive.fresh());
        assertEquals(Optional.of("-XX:SharedArchiveFile=" + archive.file()), archive.useOption());

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5))); // a new build
        assertFalse(archive.fresh());
    }

    @Test
    void aRecordingOfARunThatFailedOrWroteNothingIsDropped() throws Exception {
        ClassArchive.Recording failed = archive.record("a");
        Files.write(failed.file(), new byte[] {9});
        assertFalse(archive.adopt(failed, false));
        assertFalse(Files.exists(failed.file()));

        ClassArchive.Recording killed = archive.record("b"); // kill -9: the JVM wrote nothing
        assertFalse(archive.adopt(killed, true));
        ClassArchive.Recording empty = archive.record("c");
        Files.write(empty.file(), new byte[0]);
        assertFalse(archive.adopt(empty, true));
        assertFalse(Files.exists(archive.file()));
    }

    @Test
    void aRecordingFromAJarReplacedMeanwhileIsDropped() throws Exception {
        ClassArchive.Recording r = archive.record("a");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-11-30T11:00:00Z")));
        Files.write(r.file(), new byte[] {9});

        assertFalse(archive.adopt(r, true));
        assertFalse(Files.exists(archive.file()));
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
