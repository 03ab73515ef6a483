package shelf.rmi;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import shelf.config.ConnectionLimits;

/**
 * Which connections a node keeps ({@link ConnectionLimits}). Every node, client and attacker on one machine connects
 * from 127.0.0.1, so admission goes by stage and certificate, never by address:
 * <ul>
 * <li>An <em>opening</em> connection (accepted, no TLS handshake yet; with tls=off, RMI's opening not yet read) costs a
 * thread and is nobody's yet. At most {@code maxOpening} are kept: one more closes the <em>oldest</em> opening one.
 * A silent flood thus holds slots only until newer connections arrive, and a real caller, whose handshake takes
 * milliseconds, opens before it is the oldest; refusing the newest instead would keep every newcomer out while the
 * flood lasts.</li>
 * <li>An <em>open</em> connection has a known caller. Of {@code maxOpen}, {@code peerSlots} are kept for node
 * certificates: clients and admins (and every connection with tls=off) share the rest, so peers keep electing and
 * locking while clients, or an attacker with a client key, hold every other slot. Beyond its share a connection is
 * closed as soon as its caller is known.</li>
 * </ul>
 * Called on the accept loop and RMI's connection threads; thread-safe.
 */
final class ConnectionGate {
    private final ConnectionLimits limits;
    private final Access access;
    private final Set<AcceptedSocket> opening = new LinkedHashSet<>();
    private int peers;
    private int others;
    private final AtomicLong evicted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    ConnectionGate(ConnectionLimits limits, Access access) {
        this.limits = limits;
        this.access = access;
    }

    ConnectionLimits limits() {
        return limits;
    }

    /** A connection just accepted: kept as opening; when {@code maxOpening} were opening, the oldest is closed. */
    void accepted(AcceptedSocket socket) {
        AcceptedSocket oldest = null;
        synchronized (this) {
            if (opening.size() >= limits.maxOpening()) {
                Iterator<AcceptedSocket> first = opening.iterator();
                oldest = first.next();
                first.remove();
            }
            opening.add(socket);
        }
        if (oldest != null) {
            evicted.incrementAndGet();
            access.connectionRefused(oldest.address(), limits.maxOpening() + " connections were opening at once (no TLS"
                    + " handshake yet); closed the oldest, " + oldest.ageMs() + " ms old");
            oldest.closeQuietly();
        }
    }

    /**
     * A connection whose caller is now known ({@code peer}: a node certificate).
     *
     * @return false when its share of open slots is full: the caller closes it
     */
    boolean opened(AcceptedSocket socket, boolean peer) {
        synchronized (this) {
            if (!opening.remove(socket)) {
                return false; // closed as the oldest while its handshake ended
            }
            if (peer && peers + others < limits.maxOpen()) {
                peers++;
                return true;
            }
            if (!peer && others < limits.maxOpen() - limits.peerSlots() && peers + others < limits.maxOpen()) {
                others++;
                return true;
            }
        }
        refused.incrementAndGet();
        access.connectionRefused(socket.address(), peer ? "all " + limits.maxOpen() + " connection slots are taken"
                : "all " + (limits.maxOpen() - limits.peerSlots()) + " slots for clients are taken (connection.max.open"
                + " less connection.peer.slots)");
        return false;
    }

    /** A connection closed, at whatever stage ({@code peer} as passed to {@link #opened}; only counts open ones). */
    synchronized void closed(AcceptedSocket socket, boolean wasOpen, boolean peer) {
        opening.remove(socket);
        if (wasOpen) {
            if (peer) {
                peers--;
            } else {
                others--;
            }
        }
    }

    /**
     * For status: {@code connections.opening}, {@code connections.open.peers}, {@code connections.open.others},
     * {@code rejected.connection.opening} (closed as the oldest opening one) and {@code rejected.connection.slots}.
     */
    Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>();
        synchronized (this) {
            m.put("connections.opening", (long) opening.size());
            m.put("connections.open.peers", (long) peers);
            m.put("connections.open.others", (long) others);
        }
        m.put("rejected.connection.opening", evicted.get());
        m.put("rejected.connection.slots", refused.get());
        return m;
    }
}
