package shelf.rmi;

import shelf.api.NodeService;
import shelf.protocol.Message;
import shelf.protocol.Transport;
import shelf.tls.Role;

/**
 * Hands every peer message to the node's protocol thread ({@link Transport.Inbox#deliver}) and returns at once. Called
 * on RMI threads, by the peers' transports; it decodes nothing (each method already names its message's type). Only a
 * node's certificate may call, and only with messages from that node ({@link Access#fromPeer}).
 */
final class NodeServiceImpl implements NodeService {
    private final Transport.Inbox inbox;
    private final String membership;
    private final Access access;

    NodeServiceImpl(Transport.Inbox inbox, String membership, Access access) {
        this.inbox = inbox;
        this.membership = membership;
        this.access = access;
    }

    @Override
    public void election(Message.Election m) {
        inbox.deliver(access.fromPeer(m));
    }

    @Override
    public void ok(Message.Ok m) {
        inbox.deliver(access.fromPeer(m));
    }

    @Override
    public void coordinator(Message.Coordinator m) {
        inbox.deliver(access.fromPeer(m));
    }

    @Override
    public void heartbeat(Message.Heartbeat m) {
        inbox.deliver(access.fromPeer(m));
    }

    @Override
    public void heartbeatAck(Message.HeartbeatAck m) {
        inbox.deliver(access.fromPeer(m));
    }

    @Override
    public void stale(Message.Stale m) {
        inbox.deliver(access.fromPeer(m));
    }

    @Override
    public void requestLock(Message.LockRequest m) {
        inbox.deliver(access.fromPeer(m));
    }

    @Override
    public void grantLock(Message.LockGrant m) {
        inbox.deliver(access.fromPeer(m));
    }

    @Override
    public void releaseLock(Message.LockRelease m) {
        inbox.deliver(access.fromPeer(m));
    }

    @Override
    public void renewLease(Message.LeaseRenewal m) {
        inbox.deliver(access.fromPeer(m));
    }

    @Override
    public void queryLockState(Message.LockStateQuery m) {
        inbox.deliver(access.fromPeer(m));
    }

    @Override
    public void reportLockState(Message.LockStateReport m) {
        inbox.deliver(access.fromPeer(m));
    }

    @Override
    public void deliver(Message[] batch) {
        access.fromPeer(batch);
        for (Message m : batch) {
            inbox.deliver(m);
        }
    }

    @Override
    public String membership() {
        access.require("NodeService.membership", Role.NODE);
        return membership;
    }
}
