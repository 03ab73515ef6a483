package shelf.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ShelfJarTest {
    @Test
    void theProjectsJarIsNamedAsTheReadmeTypesIt() {
        assertEquals("target/shelf.jar", ShelfJar.typed(Path.of("/home/ann/shelf/target/shelf.jar"), Path.of("/home/ann/shelf")));
    }

    @Test
    void aCopyBesideTheClusterIsNamedByItsFileName() {
        assertEquals("shelf.jar", ShelfJar.typed(Path.of("/tmp/lab/shelf.jar"), Path.of("/tmp/lab/./")));
    }

    @Test
    void aJarOutsideTheFolderIsNamedInFull() {
        assertEquals("/opt/shelf/shelf.jar", ShelfJar.typed(Path.of("/opt/shelf/shelf.jar"), Path.of("/tmp/lab")));
        assertEquals("/tmp/lab2/shelf.jar", ShelfJar.typed(Path.of("/tmp/lab2/shelf.jar"), Path.of("/tmp/lab")));
    }
}
