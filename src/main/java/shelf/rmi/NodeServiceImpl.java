package shelf.rmi;

import java.util.concurrent.TimeUnit;
import shelf.api.NodeService;
import shelf.config.Timings;
import shelf.protocol.Message;
import shelf.protocol.Transport;
import shelf.tls.Role;

/**
 * Hands every peer message to the node's protocol thread ({@link Transport.Inbox#deliver}) and returns without waiting.
 * Called on RMI threads, by the peers' transports; it decodes nothing (each method already names its message's type).
 * Only a node's certificate may call, and only with messages from that node ({@link Access#fromPeer}). A batch's call
 * returns what the node answered the caller while handling it on this thread ({@link Replies}), and a lock request's call
 * may wait a little for its grant ({@link HeldReplies}).
 */
final class NodeServiceImpl implements NodeService {
    private final int self;
    private final Transport.Inbox inbox;
    private final String membership;
    private final Access access;
    private final long holdNanos;

    /**
     * @param holdMs how long a lock request's call may wait for its grant ({@link HeldReplies}); 0 never holds
     */
    NodeServiceImpl(int self, Transport.Inbox inbox, String membership, Access access, long holdMs) {
        this.self = self;
        this.inbox = inbox;
        this.membership = membership;
        this.access = access;
        this.holdNanos = TimeUnit.MILLISECONDS.toNanos(holdMs);
    }

    /**
     * How long a lock request's call waits for its grant: half a heartbeat interval, and at most a quarter of the read
     * timeout the caller gives a call, so a held call never looks like a paused node (100 ms by default).
     */
    static long holdMs(Timings timings) {
        return Math.min(timings.heartbeatIntervalMs() / 2, timings.rpcTimeoutMs() / 4);
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
    public Message[] deliver(Message[] batch) {
        access.fromPeer(batch);
        int caller = caller(batch);
        HeldReplies.Held held = holdNanos > 0 && caller >= 0 && HeldReplies.asksForLock(batch)
                ? HeldReplies.open(self, caller) : null;
        Replies reply = Replies.open(self, caller);
        try {
            for (Message m : batch) {
                inbox.deliver(m);
            }
        } finally {
            reply.end();
        }
        if (held == null) {
            return reply.messages();
        }
        try {
            return held.finish(reply.messages(), holdNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return reply.messages(); // the held grant, if one came, is lost as an unread reply is: its first lease bounds it
        }
    }

    /** The one node every message of {@code batch} comes from (checked by {@link Access#fromPeer} with TLS), or -1. */
    private static int caller(Message[] batch) {
        int from = batch.length == 0 ? -1 : batch[0].from();
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
