package shelf.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import shelf.api.AdminService;

/** A run's cycles are asked for in calls of at most {@link LockBench#CYCLES_PER_CALL}, and come back whole, in order. */
class LockBenchTest {
    @Test
    void aRunIsAskedForInFewCallsEachWithinTheBoundAndComesBackInOrder() throws Exception {
        AdminService node = mock(AdminService.class);
        List<Integer> calls = new ArrayList<>();
        long[] next = {0};
        when(node.lockCycles(anyInt())).thenAnswer(ask -> {
            int n = ask.getArgument(0);
            calls.add(n);
            long from = next[0];
            next[0] += n;
            return LongStream.range(from, from + n).toArray();
        });
        long[] all = LockBench.cycles(node, 5_000 + 7);
        assertArrayEquals(LongStream.range(0, 5_007).toArray(), all);
        assertEquals(List.of(1_000, 1_000, 1_000, 1_000, 1_000, 7), calls);
        assertTrue(LockBench.CYCLES_PER_CALL <= AdminService.MAX_CYCLES, "a call the node accepts");
    }
}
