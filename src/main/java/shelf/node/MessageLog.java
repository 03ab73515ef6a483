package shelf.node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.protocol.Message;

/**
 * The node's record of its traffic: every message sent, received or undeliverable adds to a counter
 * ({@code sent.LOCK_GRANT}, {@code received.OK}, {@code unreachable.HEARTBEAT}) and is one log line. The log policy:
 * INFO, except heartbeats, their acknowledgements and lease renewals (DEBUG: several a second per node), and lock
 * requests, grants and releases (DEBUG too: their handlers log them as the event they are, "lock request 17 from
 * node 1 queued at position 2", "lock granted to node 1, token 12:3", so a lock cycle is not logged twice over).
 *
 * <p>Protocol thread only ({@link NodeCore}).
 */
final class MessageLog {
    private static final Logger log = LoggerFactory.getLogger(MessageLog.class);

    private final String me;
    private final Counters counters;

    MessageLog(String me, Counters counters) {
        this.me = me;
        this.counters = counters;
    }

    void sent(int to, Message m) {
        counters.add("sent." + m.type());
        if (atInfo(m)) {
            log.info("{}: sent to node {}: {}", me, to, m);
        } else if (log.isDebugEnabled()) {
            log.debug("{}: sent to node {}: {}", me, to, m);
        }
    }

    void received(Message m) {
        counters.add("received." + m.type());
        if (atInfo(m)) {
            log.info("{}: received {}", me, m);
        } else if (log.isDebugEnabled()) {
            log.debug("{}: received {}", me, m);
        }
    }

    void undeliverable(int peer, Message m) {
        counters.add("unreachable." + m.type());
        if (atInfo(m)) {
            log.info("{}: could not deliver to node {}: {}", me, peer, m);
        } else if (log.isDebugEnabled()) {
            log.debug("{}: could not deliver to node {}: {}", me, peer, m);
        }
    }

    /** A message from an id that is not in the configuration: refused before it reaches any role. */
    void rejectedUnknownSender(Message m, String source) {
        counters.add("rejected.unknown-sender");
        log.warn("{}: rejected {} from node {}, which is not in {}", me, m.type(), m.from(), source);
    }

    private static boolean atInfo(Message m) {
        return !(m instanceof Message.LockRequest || m instanceof Message.LockGrant || m instanceof Message.LockRelease
                || m instanceof Message.Heartbeat || m instanceof Message.HeartbeatAck || m instanceof Message.LeaseRenewal);
    }
}
