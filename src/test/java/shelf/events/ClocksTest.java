package shelf.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lamport and vector clocks: ticks, the merge on receipt, the checks of clocks from the network, resuming. */
class ClocksTest {
    private static final List<Integer> IDS = List.of(5, 1, 3);

    @Test
    void aLocalEventOrASendTicksBothClocksAndOnlyTheNodesOwnEntry() {
        Clocks c = new Clocks(IDS, 3);
        c.tick();
        c.tick();
        assertEquals(2, c.lamport());
        assertArrayEquals(new long[] {0, 2, 0}, c.vector()); // by ascending id: 1, 3, 5
        assertEquals(Map.of(3, 2L), c.snapshot().entries());
    }

    @Test
    void aReceiptTakesTheMaximumOfBothClocksThenTicks() {
        Clocks c = new Clocks(IDS, 1);
        c.tick(); // lc 1, vc [1,0,0]
        c.receive(7, new long[] {0, 4, 2});
        assertEquals(8, c.lamport());
        assertArrayEquals(new long[] {2, 4, 2}, c.vector());
        c.receive(3, new long[] {0, 1, 1}); // older news: nothing goes back
        assertEquals(9, c.lamport());
        assertArrayEquals(new long[] {3, 4, 2}, c.vector());
    }

    @Test
    void sendsHappenBeforeTheirReceiptsAndConcurrentEventsAreNeither() {
        Clocks a = new Clocks(IDS, 1);
        Clocks b = new Clocks(IDS, 3);
        a.tick();
        VectorClock send = a.snapshot();
        b.tick();
        VectorClock concurrent = b.snapshot();
        b.receive(a.lamport(), a.vector());
        VectorClock receipt = b.snapshot();
        assertTrue(send.happenedBefore(receipt));
        assertFalse(receipt.happenedBefore(send));
        assertFalse(send.happenedBefore(concurrent));
        assertFalse(concurrent.happenedBefore(send));
        assertTrue(concurrent.happenedBefore(receipt));
    }

    @Test
    void clocksFromTheNetworkAreCheckedBeforeTheyAreBelieved() {
        Clocks c = new Clocks(IDS, 1);
        assertNull(c.problem(4, new long[] {1, 2, 3}));
        assertNotNull(c.problem(4, new long[] {1, 2}), "one entry per node");
        assertNotNull(c.problem(4, null));
        assertNotNull(c.problem(-1, new long[] {1, 2, 3}));
        assertNotNull(c.problem(4, new long[] {1, -2, 3}));
        assertNotNull(c.problem(Long.MAX_VALUE, new long[] {1, 2, 3}), "a clock that would overflow when ticked");
        assertNotNull(c.problem(4, new long[] {1, Long.MAX_VALUE, 3}));
    }

    @Test
    void aRestartedNodeContinuesFromItsLastRecordedClocks() {
        Clocks c = new Clocks(IDS, 3);
        c.resume(40, VectorClock.of(Map.of(1, 5L, 3, 30L)));
        c.tick();
        assertEquals(41, c.lamport());
        assertEquals(Map.of(1, 5L, 3, 31L), c.snapshot().entries());
    }
}
