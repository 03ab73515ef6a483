package shelf.node;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.protocol.Message;

/**
 * Which peers this node cannot reach, so that a dead peer costs the log a few lines, not two a second for as long as it
 * is down: the first failed delivery to a peer is one INFO line ("node 3 unreachable"), the attempts after it are DEBUG,
 * an INFO summary comes every {@value #SUMMARY_EVERY_MS} ms while it stays down ("node 3 still unreachable (42 s, 84
 * attempts)"), and the first message heard from it again is one INFO line ("node 3 reachable again").
 *
 * <p>Protocol thread only ({@link MessageLog}); times are the node's clock in milliseconds.
 */
final class PeerReachability {
    private static final Logger log = LoggerFactory.getLogger(PeerReachability.class);
    /** How often a peer that stays unreachable is summarised at INFO. */
    static final long SUMMARY_EVERY_MS = 30_000;

    /** A peer that is down: since when, how many deliveries failed, when it was last summarised. */
    private static final class Down {
        final long since;
        long attempts = 1;
        long summarisedAt;

        Down(long since) {
            this.since = since;
            this.summarisedAt = since;
        }
    }

    private final String me;
    private final Map<Integer, Down> down = new HashMap<>();

    PeerReachability(String me) {
        this.me = me;
    }

    /** True while {@code peer} is known to be unreachable: routine lines about it belong at DEBUG. */
    boolean isDown(int peer) {
        return down.containsKey(peer);
    }

    /** A delivery of {@code m} to {@code peer} failed at {@code now}: one line at the change, then a periodic summary. */
    void failed(int peer, Message m, long now) {
        Down d = down.get(peer);
        if (d == null) {
            down.put(peer, new Down(now));
            log.info("{}: node {} unreachable (could not deliver {}); further attempts at DEBUG, a summary every {} s", me,
                    peer, m, SUMMARY_EVERY_MS / 1_000);
            return;
        }
        d.attempts++;
        log.debug("{}: could not deliver to node {}: {}", me, peer, m);
        if (now - d.summarisedAt >= SUMMARY_EVERY_MS) {
            d.summarisedAt = now;
            log.info("{}: node {} still unreachable ({} s, {} attempts)", me, peer, (now - d.since) / 1_000, d.attempts);
        }
    }

    /** A message came from {@code peer} at {@code now}: if it was down, one line says it is back. */
    void heard(int peer, long now) {
        Down d = down.remove(peer);
        if (d != null) {
            log.info("{}: node {} reachable again after {} s ({} failed attempts)", me, peer, (now - d.since) / 1_000,
                    d.attempts);
        }
    }
}
