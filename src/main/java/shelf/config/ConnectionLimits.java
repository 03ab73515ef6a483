package shelf.config;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many connections a node holds and for how long, and how many bytes one call may carry; from
 * {@code nodes.properties}. Every node, client and attacker on one machine connects from 127.0.0.1, so the limits are
 * by stage and by certificate, never by address: a connection is <em>opening</em> until its TLS handshake is done
 * (with {@code tls=off}: until RMI's own opening has arrived), then <em>open</em>.
 *
 * @param handshakeTimeoutMs how long a connection may take to open (TLS handshake, or RMI's opening with tls=off)
 * @param idleTimeoutMs      how long an open connection may stay silent before the node closes it; longer than RMI
 *                           keeps a pooled connection on the caller's side (15 s, and its reaper runs every 15 s)
 * @param maxOpening         connections opening at once; one more closes the oldest opening one, so a flood of silent
 *                           connections cannot keep a quick client out
 * @param maxOpen            open connections at once, peers' and clients' together
 * @param peerSlots          of {@code maxOpen}, how many only node certificates may use (clients and admins share the
 *                           rest), so peers keep talking while clients hold every other slot
 * @param maxCallBytes       bytes one call may carry to the node (counted as the bytes it receives between two of its
 *                           answers); twice the serialization filter's {@code maxbytes}, which a String escapes
 */
public record ConnectionLimits(long handshakeTimeoutMs, long idleTimeoutMs, int maxOpening, int maxOpen, int peerSlots,
                               int maxCallBytes) implements Serializable {

    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(10_000, 45_000, 64, 256, 32, 131_072);

    /** The settings a {@code nodes.properties} may hold, each with its default. */
    public static final Map<String, Long> KEYS = new TreeMap<>(Map.of(
            "connection.handshake.timeout.ms", DEFAULTS.handshakeTimeoutMs,
            "connection.idle.timeout.ms", DEFAULTS.idleTimeoutMs,
            "connection.max.opening", (long) DEFAULTS.maxOpening,
            "connection.max.open", (long) DEFAULTS.maxOpen,
            "connection.peer.slots", (long) DEFAULTS.peerSlots,
            "call.max.bytes", (long) DEFAULTS.maxCallBytes));

    /** Collects {@code key=value} settings, checking each as it comes. */
    static final class Builder {
        private final Map<String, Long> values = new TreeMap<>(KEYS);

        void set(String key, String value, String where) throws ConfigException {
            long parsed;
            try {
                parsed = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new ConfigException(where + ": " + key + " must be a whole number, got '" + value + "'");
            }
            long max = key.endsWith(".ms") ? 86_400_000L : Integer.MAX_VALUE;
            if (parsed <= 0 || parsed > max) {
                throw new ConfigException(where + ": " + key + " must be between 1 and " + max + ", got " + parsed);
            }
            values.put(key, parsed);
        }

        ConnectionLimits build(String source) throws ConfigException {
            ConnectionLimits l = new ConnectionLimits(values.get("connection.handshake.timeout.ms"),
                    values.get("connection.idle.timeout.ms"), values.get("connection.max.opening").intValue(),
                    values.get("connection.max.open").intValue(), values.get("connection.peer.slots").intValue(),
                    values.get("call.max.bytes").intValue());
            if (l.peerSlots >= l.maxOpen) {
                throw new ConfigException(source + ": connection.peer.slots (" + l.peerSlots
                        + ") must be fewer than connection.max.open (" + l.maxOpen + "), or clients get no slot");
            }
            return l;
        }
    }
}
