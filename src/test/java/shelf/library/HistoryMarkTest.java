package shelf.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryMarkTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve(LibraryFiles.MARK);
    }

    private long read() throws StoreException {
        try (HistoryMark m = HistoryMark.open(file(), "reader")) {
            return m.read();
        }
    }

    @Test
    void aMissingOrEmptyMarkIsZero() throws Exception {
        assertEquals(0, read());
        assertTrue(Files.exists(file()), "created for the next write");
        assertEquals(0, Files.size(file()));
    }

    @Test
    void theMarkIsWrittenInAsciiDigitsWhateverTheDefaultLocale() throws Exception {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("fa-IR")); // Persian digits: a node started with LANG=fa_IR.UTF-8
            try (HistoryMark m = HistoryMark.open(file(), "test")) {
                m.write(12);
            }
            assertEquals("0000000000000000012", Files.readString(file()).substring(0, 19));
            assertEquals(12, read());
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void aLowerValueNeverReplacesAHigherOne() throws Exception {
        try (HistoryMark fast = HistoryMark.open(file(), "fast"); HistoryMark slow = HistoryMark.open(file(), "slow")) {
            fast.write(7);
            slow.write(3);
            slow.write(5);
            assertEquals(7, read());
            fast.write(9);
            assertEquals(9, read());
        }
    }

    @Test
    void aWriteCutShortByACrashLeavesThePreviousValue() throws Exception {
        try (HistoryMark m = HistoryMark.open(file(), "test")) {
            m.write(41);
            m.write(42);
        }
        byte[] bytes = Files.readAllBytes(file());
        int newer = HistoryMark.SLOT; // 41 went to the first slot, 42 to the second
        bytes[newer + 3] = 0;
        Files.write(file(), bytes);
        assertEquals(41, read());
    }

    @Test
    void aMarkWithNoValidSlotIsAnErrorNamingTheFile() throws Exception {
        Files.writeString(file(), "garbage that is no record number\n");
        LibraryCorruptException e = assertThrows(LibraryCorruptException.class, this::read);
        assertTrue(e.getMessage().startsWith(file() + ": damaged"), e.getMessage());
    }
}
