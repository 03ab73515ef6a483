package shelf.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import org.junit.jupiter.api.Test;
import shelf.api.NodeStatus;
import shelf.api.UnavailableException;
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
        final Deque<CompletableFuture<FencingToken>> open = new LinkedBlockingDeque<>();

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

    @Test
    void aSlowRunIsWaitedForAsLongAsEachCycleEndsInTime() throws Exception {
        LaterNode node = new LaterNode();
        LockCycles run = LockCycles.start(node, 6);
        Thread grants = new Thread(() -> {
            for (int i = 1; i <= 6; i++) {
                try {
                    Thread.sleep(300); // six cycles of 300 ms: 1.8 s in all, each well inside its 1 s
                } catch (InterruptedException e) {
                    return;
                }
                node.open.poll().complete(new FencingToken(1, i));
            }
        });
        grants.start();
        assertEquals(6, run.await("node 1", 1_000, 60_000).length);
        grants.join();
    }

    @Test
    void aCycleWithoutAGrantEndsTheWaitAndTheRunGoesOnWhenTheGrantComes() {
        LaterNode node = new LaterNode();
        LockCycles run = LockCycles.start(node, 3);
        node.open.poll().complete(new FencingToken(1, 1));
        UnavailableException e = assertThrows(UnavailableException.class, () -> run.await("node 5", 200, 60_000));
        assertEquals("node 5 got no grant of the cluster lock within 200 ms (cycle 2 of 3)", e.getMessage());
        node.open.poll().complete(new FencingToken(1, 2)); // the grant comes after all
        assertEquals(3, node.holds, "the run goes on");
        assertEquals(2, run.completed());
    }

    @Test
    void aRunSlowerThanItsLengthAllowsEndsWithHowFarItGot() {
        LaterNode node = new LaterNode();
        LockCycles run = LockCycles.start(node, 1_000);
        Thread grants = new Thread(() -> {
            for (int i = 1; i <= 1_000 && !Thread.currentThread().isInterrupted(); i++) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
                CompletableFuture<FencingToken> hold = node.open.poll();
                if (hold != null) {
                    hold.complete(new FencingToken(1, i));
                }
            }
        });
        grants.start();
        try {
            UnavailableException e = assertThrows(UnavailableException.class, () -> run.await("node 2", 1_000, 1_500));
            assertTrue(e.getMessage().matches("node 2 did \\d+ of 1000 lock cycles in 1500 ms \\(the machine is busy\\?\\)"),
                    e.getMessage());
        } finally {
            grants.interrupt();
        }
    }
}
