package shelf.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import shelf.api.NodeStatus;
import shelf.fencing.FencingToken;
import shelf.library.Command;
import shelf.library.Outcome;

/** The lock benchmark's load, against nodes that complete holds at once or later. */
class LockCyclesTest {
    /** A node whose holds complete before holdLock returns, as an idle coordinator's do on the caller's thread. */
    private static class InstantNode implements Node {
        int holds;

        @Override
        public int id() {
            return 1;
        }

        @Override
        public CompletableFuture<Outcome> submit(Command command) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<FencingToken> holdLock(long millis) {
            holds++;
            return CompletableFuture.completedFuture(new FencingToken(1, holds));
        }

        @Override
        public CompletableFuture<NodeStatus> status() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void startElection(String reason) {
        }
    }

    /** A node whose holds complete when the test says so, as a follower's do when the grant arrives. */
    private static final class LaterNode extends InstantNode {
        final Deque<CompletableFuture<FencingToken>> open = new ArrayDeque<>();

        @Override
        public CompletableFuture<FencingToken> holdLock(long millis) {
            holds++;
            CompletableFuture<FencingToken> f = new CompletableFuture<>();
            open.add(f);
            return f;
        }
    }

    @Test
    void holdsThatCompleteAtOnceRunInALoopNotDeeperAndDeeper() {
        InstantNode node = new InstantNode();
        CompletableFuture<long[]> done = LockCycles.run(node, 1_000_000);
        assertTrue(done.isDone());
        assertEquals(1_000_000, node.holds);
    }

    @Test
    void eachCycleIsAskedForWhenThePreviousOneCompletes() {
        LaterNode node = new LaterNode();
        CompletableFuture<long[]> done = LockCycles.run(node, 3);
        for (int i = 1; i <= 3; i++) {
            assertEquals(i, node.holds);
            assertEquals(1, node.open.size(), "one cycle at a time");
            assertTrue(!done.isDone());
            node.open.poll().complete(new FencingToken(1, i));
        }
        assertTrue(done.isDone());
        assertEquals(3, done.join().length);
    }
}
