package shelf.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import shelf.api.AdminService;
import shelf.api.NodeStatus;
import shelf.election.Role;
import shelf.fencing.FencingToken;
import shelf.lock.LockPhase;
import shelf.lock.LockTable;

/** Each node's view on its own: one that answers is up, a silent one turns paused, a refusing one unreachable. */
class NodeWatchTest {
    private final ExecutorService calls = Executors.newCachedThreadPool();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void stop() {
        never.countDown();
        calls.shutdownNow();
    }

    static NodeStatus status(int id, Role role, int coordinator, long epoch, LockTable lock) {
        return new NodeStatus(id, role, coordinator, epoch, List.of(), null, 0, lock, Map.of(), "none");
    }

    static LockTable inactive() {
        return new LockTable(LockPhase.INACTIVE, 0, -1, null, 0, List.of(), 0, 0, 0);
    }

    @Test
    void aSilentNodeTurnsPausedARefusingOneUnreachableAndTheSilentOneIsNotAskedAgainMeanwhile() throws Exception {
        AdminService up = mock(AdminService.class);
        when(up.status()).thenReturn(status(1, Role.FOLLOWER, 3, 7, inactive()));
        AdminService silent = mock(AdminService.class);
        when(silent.status()).thenAnswer(i -> {
            never.await();
            return null;
        });
        AdminService refusing = mock(AdminService.class);
        when(refusing.status()).thenThrow(new java.rmi.ConnectException("refused",
                new java.net.ConnectException("Connection refused")));
        Map<Integer, AdminService> admins = Map.of(1, up, 2, silent, 3, refusing);
        NodeWatch watch = new NodeWatch(admins::get, Map.of(1, "h:1", 2, "h:2", 3, "h:3"), calls, 200);

        watch.poll(1_000);
        assertEquals(NodeView.UP, watch.views().get(1).state());
        assertEquals("FOLLOWER", watch.views().get(1).role());
        assertEquals(NodeView.PAUSED, watch.views().get(2).state(), "silent for longer than 200 ms");
        assertEquals(NodeView.UNREACHABLE, watch.views().get(3).state());
        assertEquals("connection refused", watch.views().get(3).note());

        watch.poll(1_000);
        assertEquals(NodeView.PAUSED, watch.views().get(2).state());
        verify(silent, times(1)).status(); // not asked again while its call is out
        verify(up, times(2)).status();
        verify(refusing, times(2)).status();
    }

    @Test
    void theLockIsTheTableOfTheCoordinatorInTheHighestEpoch() {
        LockTable serving = new LockTable(LockPhase.SERVING, 9, 2, new FencingToken(9, 4), 700, List.of(1, 3), 5, 1, 0);
        LockTable old = new LockTable(LockPhase.SERVING, 5, 1, new FencingToken(5, 1), 100, List.of(), 1, 0, 0);
        LockView lock = LockView.of(List.of(status(1, Role.FOLLOWER, 4, 9, inactive()),
                status(3, Role.COORDINATOR, 3, 5, old), status(4, Role.COORDINATOR, 4, 9, serving)));
        assertEquals(new LockView(4, "SERVING", 9, 2, "9:4", 700, List.of(1, 3), 5, 1), lock);
        assertEquals(LockView.NONE, LockView.of(List.of(status(1, Role.CANDIDATE, -1, 9, inactive()))));
    }
}
