package shelf.rmi;

import java.util.List;
import shelf.api.NodeService;
import shelf.protocol.Batch;
import shelf.protocol.Message;
import shelf.protocol.Transport;
import shelf.tls.Role;

/**
 * Hands every peer message to the node's protocol thread ({@link Transport.Inbox#deliver}) and returns without waiting.
 * Called on RMI threads, by the peers' transports; it decodes nothing (each method already names its message's type).
 * Only a node's certificate may call, and only with messages from that node ({@link Access#fromPeer}). A batch's call
 * returns what the node answered the caller while handling it on this thread ({@link Replies}). The same two methods
 * serve the peers' frames ({@link PeerFrames}), which carry a batch without RMI's call around it.
 */
final class NodeServiceImpl implements NodeService, PeerFrames.Handler {
    private final int self;
    private final Transport.Inbox inbox;
    private final String membership;
    private final Access access;

    NodeServiceImpl(int self, Transport.Inbox inbox, String membership, Access access) {
        this.self = self;
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
    public Batch deliver(Batch batch) {
        List<Message> messages = access.fromPeer(batch);
        Replies reply = Replies.open(self, caller(messages));
        try {
            for (Message m : messages) {
                inbox.deliver(m);
            }
        } finally {
            reply.end();
        }
        return reply.messages();
    }

    /** The one node every message of {@code batch} comes from (checked by {@link Access#fromPeer} with TLS), or -1. */
    private static int caller(List<Message> batch) {
        int from = batch.isEmpty() ? -1 : batch.get(0).from();
        for (Message m : batch) {
            if (m.from() != from) {
                return -1;
            }
        }
        return from;
    }

    @Override
    public String membership() {
        access.require("NodeService.membership", Role.NODE);
        return membership;
    }
}
