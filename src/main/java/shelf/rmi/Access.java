package shelf.rmi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.config.ConnectionLimits;
import shelf.protocol.Batch;
import shelf.protocol.Message;
import shelf.tls.KeyMaterial;
import shelf.tls.Role;
import shelf.util.RateLimitedLog;

/**
 * A node's authorization at its service boundary, and its record of refusals. Each service asks it before it acts:
 * NodeService takes calls from node certificates only, and every message must claim the sender the certificate names
 * ({@link #fromPeer}); AdminService takes admin certificates; LibraryService clients' and admins' ({@link #require}).
 * A refusal is a {@link SecurityException} with a one-line message for the caller, a counter in the node's status and a
 * rate-limited WARN line. The protocol code never sees any of this.
 *
 * <p>With {@code tls=off} ({@link #off}) there are no identities, everything is allowed, and status says so.
 * Called on RMI threads; thread-safe.
 */
public final class Access {
    /** A certificate this close to expiry is warned about, in the log and in status. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    private static final Logger log = LoggerFactory.getLogger(Access.class);
    private static final Role[] NODE_ONLY = {Role.NODE};

    private final String me;
    private final KeyMaterial keys;
    private final Clock clock;
    private final RateLimitedLog warnings;
    private final AtomicLong handshakes = new AtomicLong();
    private final AtomicLong identities = new AtomicLong();
    private final AtomicLong registry = new AtomicLong();
    private final AtomicLong callSize = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();
    private ConnectionGate gate;
    private volatile PeerFrames.Handler peerFrames;
    private volatile Instant expiryWarned = Instant.MIN;

    Access(String me, KeyMaterial keys, Clock clock, RateLimitedLog warnings) {
        this.me = me;
        this.keys = keys;
        this.clock = clock;
        this.warnings = warnings;
    }

    /** A TLS node's access: identities checked with {@code keys} as its own. */
    public static Access tls(String me, KeyMaterial keys) {
        return new Access(me, keys, Clock.systemUTC(), new RateLimitedLog(log));
    }

    /** A node with {@code tls=off}: no identities; every call allowed. */
    public static Access off(String me) {
        return new Access(me, null, Clock.systemUTC(), new RateLimitedLog(log));
    }

    public boolean enforced() {
        return keys != null;
    }

    /** This node's own key material, or null with {@code tls=off}. */
    KeyMaterial keys() {
        return keys;
    }

    String me() {
        return me;
    }

    /** The node's connection admission, made with {@code limits} the first time (all of a node's sockets share it). */
    synchronized ConnectionGate gate(ConnectionLimits limits) {
        if (gate == null) {
            gate = new ConnectionGate(limits, this);
        }
        return gate;
    }

    /** The node's peer frames are served by {@code handler} from now on ({@link PeerFrames}). */
    void servePeerFrames(PeerFrames.Handler handler) {
        peerFrames = handler;
    }

    /** What serves the node's peer frames, or null before the node exports its services (or where none does). */
    PeerFrames.Handler peerFrames() {
        return peerFrames;
    }

    /** A peer channel ended for a frame that could not be read (too long, not a batch); logged rate-limited. */
    void frameRefused(String address, String why) {
        frames.incrementAndGet();
        warnings.warn("frames " + address, me + ": closed a peer channel from " + address + ": " + why);
    }

    /**
     * Allows the current call only from a certificate of one of {@code roles}.
     *
     * @param what the call, for messages: {@code AdminService.crash}
     * @throws SecurityException naming what was called, what it takes and what came
     */
    void require(String what, Role... roles) {
        if (!enforced()) {
            return;
        }
        Caller caller = Caller.current().orElse(null);
        if (caller == null || !oneOf(caller.identity().role(), roles)) {
            String takes = Arrays.stream(roles).map(Role::label).reduce((a, b) -> a + " or " + b).orElse("") + " certificates";
            throw refuse(caller, what, what + " takes " + takes);
        }
    }

    private static boolean oneOf(Role role, Role[] roles) {
        for (Role r : roles) {
            if (r == role) {
                return true;
            }
        }
        return false;
    }

    /**
     * Allows a peer's message only from a node certificate naming the node the message claims to come from.
     *
     * @return the message, to hand on
     * @throws SecurityException for any other caller, or a message claiming another sender
     */
    <M extends Message> M fromPeer(M m) {
        if (!enforced()) {
            if (m == null) { // no identity to name with tls=off, but never a NullPointerException on the protocol thread
                throw new IllegalArgumentException(me + " refused a null message");
            }
            return m;
        }
        require("NodeService", NODE_ONLY); // one array for every message, not one per message
        Caller caller = Caller.current().orElseThrow();
        if (m == null || m.from() != caller.identity().nodeId()) {
            throw refuse(caller, "NodeService", (m == null ? "a null message" : "a " + m.type() + " claiming to be from node "
                    + m.from()) + " came with node " + caller.identity().nodeId() + "'s certificate");
        }
        return m;
    }

    /** {@link #fromPeer} for every message of a batch: one impostor refuses the whole call. */
    List<Message> fromPeer(Batch batch) {
        if (batch == null) {
            throw new IllegalArgumentException("no batch");
        }
        for (Message m : batch.messages()) {
            fromPeer(m);
        }
        return batch.messages();
    }

    private SecurityException refuse(Caller caller, String what, String why) {
        identities.incrementAndGet();
        String who = caller == null ? "a caller without a certificate" : caller.toString();
        warnings.warn("identity " + (caller == null ? "?" : caller.address()),
                me + ": refused " + what + " from " + who + ": " + why);
        return new SecurityException(me + " refused " + what + ": " + why);
    }

    /** A connection that failed its TLS handshake (plaintext, unknown CA, expired, silent); logged rate-limited. */
    void handshakeFailed(String address, String why) {
        handshakes.incrementAndGet();
        warnings.warn("handshake " + address, me + ": refused a connection from " + address + ": " + why);
    }

    /** A connection whose peer hung up during the handshake: not a refusal, logged at DEBUG only. */
    void handshakeAbandoned(String address, String why) {
        log.debug("{}: a connection from {} closed during its TLS handshake: {}", me, address, why);
    }

    /** A connection closed by the {@link ConnectionGate} (too many opening, or no slot left); logged rate-limited. */
    void connectionRefused(String address, String why) {
        warnings.warn("connections", me + ": closed a connection from " + address + ": " + why);
    }

    /** A call that carried more than its bytes ({@link CallSizeGuard}); counted, logged rate-limited. */
    void callTooLarge(String address, String why) {
        callSize.incrementAndGet();
        warnings.warn("call size " + address, me + ": refused a call from " + address + ": " + why);
    }

    /** A remote bind, rebind or unbind of the registry, which the JDK refused ({@link RegistryGuard}). */
    void registryRefused(String what) {
        registry.incrementAndGet();
        Caller caller = Caller.current().orElse(null);
        String who = caller == null ? "a caller" : caller.toString();
        warnings.warn("registry " + (caller == null ? "?" : caller.address()), me + ": refused " + what + " from " + who
                + ": the registry takes no remote bind, rebind or unbind");
    }

    /**
     * For status: {@code tls.enabled} (1 or 0), the certificate's {@code tls.certificate.days-left} and
     * {@code tls.certificate.expiring} (1 within {@link #EXPIRY_WARNING}), and the refusals:
     * {@code rejected.handshake}, {@code rejected.identity}, {@code rejected.registry}, {@code rejected.call.size}; and
     * the connections' ({@link ConnectionGate#counters}).
     */
    Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>();
        m.put("tls.enabled", enforced() ? 1L : 0L);
        if (enforced()) {
            long days = keys.daysLeft(clock.instant());
            m.put("tls.certificate.days-left", days);
            m.put("tls.certificate.expiring", days <= EXPIRY_WARNING.toDays() ? 1L : 0L);
        }
        m.put("rejected.handshake", handshakes.get());
        m.put("rejected.identity", identities.get());
        m.put("rejected.registry", registry.get());
        m.put("rejected.call.size", callSize.get());
        m.put("rejected.frames", frames.get());
        ConnectionGate g;
        synchronized (this) {
            g = gate;
        }
        if (g != null) {
            m.putAll(g.counters());
        }
        return m;
    }

    /** Warns, at most once a day, when this node's certificate expires within {@link #EXPIRY_WARNING}. */
    void warnIfExpiring() {
        if (!enforced()) {
            return;
        }
        Instant now = clock.instant();
        long days = keys.daysLeft(now);
        if (days <= EXPIRY_WARNING.toDays() && now.isAfter(expiryWarned.plus(Duration.ofDays(1)))) {
            expiryWarned = now;
            log.warn("{}: its certificate {} expires in {} days ({}): issue a new one with 'java -jar shelf.jar certs node {}"
                    + " --force' where the CA key is, copy it here and restart the node", me, keys.source(), days,
                    keys.notAfter(), keys.identity().nodeId());
        }
    }
}
