package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import shelf.api.NodeService;
import shelf.fencing.FencingToken;
import shelf.protocol.Batch;
import shelf.protocol.Message;

/** Every message type travels alone by the NodeService method named for it. */
class PeerCallsTest {
    @Test
    void everyMessageTypeHasItsOwnRemoteMethod() throws Exception {
        FencingToken token = new FencingToken(1, 1);
        Map<Message, String> expected = new LinkedHashMap<>();
        expected.put(new Message.Election(1, 0), "election");
        expected.put(new Message.Ok(1, 0), "ok");
        expected.put(new Message.Coordinator(1, 0), "coordinator");
        expected.put(new Message.Heartbeat(1, 0), "heartbeat");
        expected.put(new Message.HeartbeatAck(1, 0), "heartbeatAck");
        expected.put(new Message.Stale(1, 0, 2), "stale");
        expected.put(new Message.LockRequest(1, 0, 7), "requestLock");
        expected.put(new Message.LockGrant(1, 0, 7, token, 500, 2_000), "grantLock");
        expected.put(new Message.LockRelease(1, 0, token), "releaseLock");
        expected.put(new Message.LeaseRenewal(1, 0, token), "renewLease");
        expected.put(new Message.LockStateQuery(1, 0, 2_000), "queryLockState");
        expected.put(new Message.LockStateReport(1, 0, token, 7, 0), "reportLockState");
        expected.put(new Message.Stamped(new Message.Ok(1, 0), 3, new long[] {3, 1}, 3), "deliver"); // a batch of one
        assertEquals(Set.of(Message.class.getPermittedSubclasses()),
                Set.copyOf(expected.keySet().stream().map(Object::getClass).toList()), "one of each message type");

        List<String> called = new ArrayList<>();
        List<Object> carried = new ArrayList<>();
        NodeService recorder = (NodeService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {NodeService.class}, (proxy, method, args) -> {
                    called.add(method.getName());
                    boolean one = args[0] instanceof Batch batch && batch.messages().size() == 1;
                    carried.add(one ? ((Batch) args[0]).messages().get(0) : args[0]);
                    return null;
                });
        for (Message m : expected.keySet()) {
            PeerCalls.send(recorder, m);
        }
        assertEquals(List.copyOf(expected.values()), called);
        assertEquals(List.copyOf(expected.keySet()), carried);
    }
}
