package shelf.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.UnmarshalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThrowablesTest {
    @Test
    void theRootCauseIsTheInnermost() {
        SocketTimeoutException timeout = new SocketTimeoutException("Read timed out");
        UnmarshalException rmi = new UnmarshalException("error unmarshalling return", new IOException(timeout));
        assertSame(timeout, Throwables.rootCause(rmi));
        assertSame(timeout, Throwables.rootCause(timeout));
    }

    @Test
    void aChainThatLoopsEnds() {
        IllegalStateException a = new IllegalStateException("a");
        IllegalArgumentException b = new IllegalArgumentException("b", a);
        a.initCause(b);
        Throwable root = Throwables.rootCause(a);
        assertSame(a, root);
    }

    @Test
    void aFileSystemsRefusalIsSaidInWordsNamingTheFile(@TempDir Path dir) throws Exception {
        Path logs = Files.createFile(dir.resolve("logs")); // a file where a node creates its logs folder
        FileSystemException inTheWay = assertThrows(FileSystemException.class, () -> Files.createDirectories(logs));
        assertEquals(logs + " is in the way: something of that name is already there where Shelf creates a folder or a"
                + " file; move it away", Throwables.fileProblem(inTheWay));

        FileSystemException missing = assertThrows(FileSystemException.class, () -> Files.readAllBytes(dir.resolve("none")));
        assertEquals(dir.resolve("none") + ": no such file or folder", Throwables.fileProblem(missing));

        FileSystemException notAFolder = assertThrows(FileSystemException.class,
                () -> Files.createFile(logs.resolve("node-1.log")));
        assertEquals(logs.resolve("node-1.log") + ": Not a directory", Throwables.fileProblem(notAFolder));
    }

    @Test
    void aFailureIsOneLine() {
        java.rmi.ConnectException refused = new java.rmi.ConnectException("Connection refused to host: 127.0.0.12",
                new java.net.ConnectException("Connection refused"));
        assertEquals(2, refused.getMessage().lines().count(), "RMI's own message spans lines: " + refused.getMessage());
        assertEquals("connection refused", Throwables.oneLine(refused));
        UnmarshalException timedOut = new UnmarshalException("error unmarshalling return",
                new SocketTimeoutException("Read timed out"));
        assertEquals("SocketTimeoutException: Read timed out", Throwables.oneLine(timedOut));
        assertEquals("IllegalStateException", Throwables.oneLine(new IllegalStateException()));
    }
}
