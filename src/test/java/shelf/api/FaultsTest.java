package shelf.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shelf.util.JavaSerialization.deserialize;
import static shelf.util.JavaSerialization.serialize;

import java.io.InvalidObjectException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An operator's faults: validated on construction, described in one line, and read back from the wire validated. */
class FaultsTest {
    @Test
    void noneIsHealthyAndSaysSo() {
        assertTrue(Faults.NONE.none());
        assertEquals("none", Faults.NONE.describe());
        assertEquals(Faults.NONE, new Faults(Set.of(), 0, 0));
    }

    @Test
    void describesEachFaultInOneLineWithThePeersInOrder() {
        assertEquals("blocked 4,5; drop 10%; delay 200 ms", new Faults(Set.of(5, 4), 10, 200).describe());
        assertEquals("blocked 2", Faults.NONE.withBlocked(List.of(2)).describe());
        assertEquals("drop 100%", Faults.NONE.withDropPercent(100).describe());
        assertEquals("delay 10000 ms", Faults.NONE.withDelayMs(Faults.MAX_DELAY_MS).describe());
        assertEquals(List.of(1, 3, 7), List.copyOf(new Faults(Set.of(7, 1, 3), 0, 0).blocked()));
    }

    @Test
    void blocksOnlyTheNamedPeers() {
        Faults f = new Faults(Set.of(4, 5), 0, 0);
        assertTrue(f.blocks(4));
        assertFalse(f.blocks(3));
        assertFalse(f.none());
    }

    @Test
    void refusesWhatNoOperatorCouldMean() {
        Set<Integer> withNull = new HashSet<>(Arrays.asList(1, null));
        assertThrows(IllegalArgumentException.class, () -> new Faults(null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Faults(withNull, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Faults(Set.of(0), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Faults(Set.of(-3), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Faults(Set.of(), -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Faults(Set.of(), 101, 0));
        assertThrows(IllegalArgumentException.class, () -> new Faults(Set.of(), 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new Faults(Set.of(), 0, Faults.MAX_DELAY_MS + 1));
        assertEquals("drop between 0 and 100 percent, not 101",
                assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withDropPercent(101)).getMessage());
    }

    @Test
    void theBlockedSetCannotBeChangedAfterwards() {
        Set<Integer> peers = new HashSet<>(Set.of(2));
        Faults f = new Faults(peers, 0, 0);
        peers.add(3);
        assertEquals(Set.of(2), f.blocked());
        assertThrows(UnsupportedOperationException.class, () -> f.blocked().add(4));
    }

    @Test
    void travelsWithoutASetAndComesBackEqual() throws Exception {
        Faults f = new Faults(Set.of(4, 5), 10, 200);
        byte[] bytes = serialize(f);
        assertEquals(f, deserialize(bytes));
        assertFalse(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("java.util"),
                "no collection class on the wire");
    }

    @Test
    void aForgedWireFormIsValidatedOnArrival() throws Exception {
        byte[] bytes = serialize(new Faults(Set.of(), 10, 200));
        // the drop percent, an int field of the wire form, rewritten to 200 in the stream
        byte[] forged = replaceInt(bytes, 10, 200);
        InvalidObjectException e = assertThrows(InvalidObjectException.class, () -> deserialize(forged));
        assertEquals("drop between 0 and 100 percent, not 200", e.getMessage());
    }



    /** The stream with the one big-endian int {@code from} replaced by {@code to}. */
    private static byte[] replaceInt(byte[] bytes, int from, int to) {
        byte[] copy = bytes.clone();
        int found = -1;
        for (int i = 0; i + 4 <= copy.length; i++) {
            if (copy[i] == 0 && copy[i + 1] == 0 && copy[i + 2] == 0 && copy[i + 3] == from) {
                found = i;
            }
        }
        assertTrue(found >= 0, "the int is in the stream");
        copy[found + 3] = (byte) to;
        return copy;
    }
}
