package shelf.node;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.election.Epochs;
import shelf.protocol.LogLimiter;
import shelf.protocol.Message;

/**
 * The node's record of its traffic: every message sent, received or undeliverable adds to a counter
 * ({@code sent.LOCK_GRANT}, {@code received.OK}, {@code unreachable.HEARTBEAT}) and is one log line. The log policy:
 * INFO, except heartbeats, their acknowledgements and lease renewals (DEBUG: several a second per node), and lock
 * requests, grants and releases (DEBUG too: their handlers log them as the event they are, "lock request 17 from
 * node 1 queued at position 2", "lock granted to node 1, token 12:3", so a lock cycle is not logged twice over).
 *
 * <p>A peer that is down cannot flood the log either: {@link PeerReachability} logs the change of state, then a summary
 * every 30 s, and what is sent to it meanwhile is DEBUG.
 *
 * <p>A peer that repeats itself cannot flood the log: a message equal to the last one of its type and direction logged
 * for the same peer within {@value #WINDOW_MS} ms is not logged again (re-sent ELECTIONs, duplicates, a forger's
 * copies), and each kind of line (sent, received or undeliverable, per type; refusals) is logged at most
 * {@value #LINES_PER_WINDOW} times per {@value #WINDOW_MS} ms; the next line logged says how many were left out. The
 * counters still count every message.
 *
 * <p>Protocol thread only ({@link NodeCore}).
 */
final class MessageLog {
    private static final Logger log = LoggerFactory.getLogger(MessageLog.class);
    /** Lines of one kind per window: above what an election among 50 nodes sends, far below a flood. */
    private static final int LINES_PER_WINDOW = 50;
    private static final long WINDOW_MS = 1_000;
    private static final int SENT = 0;
    private static final int RECEIVED = 1;
    private static final int UNREACHABLE = 2;

    /** A message logged, and when. */
    private record Logged(Message message, long at) {
    }

    /** One kind of line: its budget, and the message it last logged for each peer. */
    private static final class Line {
        final LogLimiter limit = new LogLimiter(LINES_PER_WINDOW, WINDOW_MS);
        final Map<Integer, Logged> lastByPeer = new HashMap<>();

        /** True when {@code m}, to or from {@code peer}, is to be logged now (and remembers it); false counts it as left out. */
        boolean admit(int peer, Message m, long now) {
            Logged last = lastByPeer.get(peer);
            if (last != null && last.message.equals(m) && now - last.at < WINDOW_MS) {
                limit.suppress(); // a repeat carries nothing new
                return false;
            }
            if (!limit.admit(now)) {
                return false;
            }
            lastByPeer.put(peer, new Logged(m, now));
            return true;
        }
    }

    private final String me;
    private final Counters counters;
    private final LongSupplier clock;
    private final Map<String, Line> lines = new HashMap<>();
    /** The counter names of each message type ({@code sent.LOCK_GRANT}...), made once per type, not per message. */
    private final Map<String, String[]> kinds = new HashMap<>();
    private final PeerReachability peers;

    MessageLog(String me, Counters counters, LongSupplier clock) {
        this.me = me;
        this.peers = new PeerReachability(me);
        this.counters = counters;
        this.clock = clock;
    }

    void sent(int to, Message m) {
        String kind = kinds(m)[SENT];
        counters.add(kind);
        if (atInfo(m) && !peers.isDown(to)) { // to a peer known to be down: DEBUG, its summary says enough
            Line line = line(kind);
            if (line.admit(to, m, clock.getAsLong())) {
                log.info("{}: sent to node {}: {}{}", me, to, m, line.limit.suppressedNote());
            }
        } else if (log.isDebugEnabled()) {
            log.debug("{}: sent to node {}: {}", me, to, m);
        }
    }

    void received(Message m) {
        String kind = kinds(m)[RECEIVED];
        counters.add(kind);
        peers.heard(m.from(), clock.getAsLong());
        if (atInfo(m)) {
            Line line = line(kind);
            if (line.admit(m.from(), m, clock.getAsLong())) {
                log.info("{}: received {}{}", me, m, line.limit.suppressedNote());
            }
        } else if (log.isDebugEnabled()) {
            log.debug("{}: received {}", me, m);
        }
    }

    void undeliverable(int peer, Message m) {
        String kind = kinds(m)[UNREACHABLE];
        counters.add(kind);
        peers.failed(peer, m, clock.getAsLong()); // the change of state at INFO, then a summary every 30 s
    }

    /** A message from an id that is not in the configuration: refused before it reaches any role. */
    void rejectedUnknownSender(Message m, String source) {
        String kind = "rejected.unknown-sender";
        counters.add(kind);
        Line line = line(kind);
        if (line.limit.admit(clock.getAsLong())) {
            log.warn("{}: rejected {} from node {}, which is not in {}{}", me, m.type(), m.from(), source,
                    line.limit.suppressedNote());
        }
    }

    /** A message whose epoch no node may hold (negative, or above the ceiling): refused before it reaches any role. */
    void rejectedEpoch(Message m) {
        String kind = "rejected.epoch-out-of-range";
        counters.add(kind);
        Line line = line(kind);
        if (line.limit.admit(clock.getAsLong())) {
            log.warn("{}: refused {} from node {}: epoch {} is outside 0..{}; nothing learned{}", me, m.type(), m.from(),
                    m.epoch(), Epochs.CEILING, line.limit.suppressedNote());
        }
    }

    private String[] kinds(Message m) {
        return kinds.computeIfAbsent(m.type(), type -> new String[] {"sent." + type, "received." + type, "unreachable." + type});
    }

    private Line line(String kind) {
        return lines.computeIfAbsent(kind, k -> new Line());
    }

    private static boolean atInfo(Message m) {
        return !(m instanceof Message.LockRequest || m instanceof Message.LockGrant || m instanceof Message.LockRelease
                || m instanceof Message.Heartbeat || m instanceof Message.HeartbeatAck || m instanceof Message.LeaseRenewal);
    }
}
