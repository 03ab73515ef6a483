package shelf.rmi;

import java.rmi.RemoteException;
import java.util.Map;
import shelf.api.NodeService;
import shelf.protocol.Batch;
import shelf.protocol.Message;

/**
 * Which {@link NodeService} method carries which message: the one place a message's type is decoded on its way out
 * of a node (on its way in, {@code NodeCore.route} is the one place). A lone message travels by its own method rather
 * than as a {@code deliver} of one: an array of one made each call a little slower (BENCHMARKS.md, "Figures behind
 * design choices"; not measured again since a {@code Batch} replaced the array). Called by {@link RmiTransport}'s
 * sender threads; a remote call, so it blocks for its duration.
 */
final class PeerCalls {
    /** One remote method. */
    @FunctionalInterface
    private interface Call {
        void send(NodeService to, Message m) throws RemoteException;
    }

    private static final Map<Class<?>, Call> CALLS = Map.ofEntries(
            Map.entry(Message.Election.class, (to, m) -> to.election((Message.Election) m)),
            Map.entry(Message.Ok.class, (to, m) -> to.ok((Message.Ok) m)),
            Map.entry(Message.Coordinator.class, (to, m) -> to.coordinator((Message.Coordinator) m)),
            Map.entry(Message.Heartbeat.class, (to, m) -> to.heartbeat((Message.Heartbeat) m)),
            Map.entry(Message.HeartbeatAck.class, (to, m) -> to.heartbeatAck((Message.HeartbeatAck) m)),
            Map.entry(Message.Stale.class, (to, m) -> to.stale((Message.Stale) m)),
            Map.entry(Message.LockRequest.class, (to, m) -> to.requestLock((Message.LockRequest) m)),
            Map.entry(Message.LockGrant.class, (to, m) -> to.grantLock((Message.LockGrant) m)),
            Map.entry(Message.LockRelease.class, (to, m) -> to.releaseLock((Message.LockRelease) m)),
            Map.entry(Message.LeaseRenewal.class, (to, m) -> to.renewLease((Message.LeaseRenewal) m)),
            Map.entry(Message.LockStateQuery.class, (to, m) -> to.queryLockState((Message.LockStateQuery) m)),
            Map.entry(Message.LockStateReport.class, (to, m) -> to.reportLockState((Message.LockStateReport) m)),
            // a message with its sender's clocks (events on) has no method of its own: it travels as a batch of one
            Map.entry(Message.Stamped.class, (to, m) -> to.deliver(Batch.of(m))));

    private PeerCalls() {
    }

    /** Sends one message by its own method. */
    static void send(NodeService to, Message m) throws RemoteException {
        CALLS.get(m.getClass()).send(to, m);
    }
}
