package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import shelf.api.UnavailableException;
import shelf.fencing.FencingToken;

/** How an operator's hold ends when its wait is over: after a pause the lease check has the word, not the deadline. */
class AdminHoldTest {
    private static final String LOST = "node 2 lost the cluster lock before the end of its 6000 ms hold: lease lost";

    @Test
    void aLeaseLostJustAfterTheDeadlineIsWhatTheOperatorHears() {
        CompletableFuture<FencingToken> hold = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS)
                .execute(() -> hold.completeExceptionally(new UnavailableException(LOST)));
        UnavailableException e = assertThrows(UnavailableException.class,
                () -> AdminServiceImpl.awaitHold("node 2", hold, 20, 2_000));
        assertEquals(LOST, e.getMessage());
    }

    @Test
    void aHoldThatSaysNothingEndsWithTheDeadlineAndAHoldThatEndsInTimeWithItsToken() throws Exception {
        CompletableFuture<FencingToken> silent = new CompletableFuture<>();
        UnavailableException e = assertThrows(UnavailableException.class,
                () -> AdminServiceImpl.awaitHold("node 2", silent, 20, 50));
        assertEquals("node 2 could not finish with the cluster lock within 20 ms; the hold is withdrawn", e.getMessage());
        assertTrue(silent.isCancelled(), "nobody waits for it: it must not take the lock later");
        FencingToken token = new FencingToken(3, 7);
        assertEquals(token, AdminServiceImpl.awaitHold("node 2", CompletableFuture.completedFuture(token), 20, 50));
    }
}
