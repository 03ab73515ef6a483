package shelf.config;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The protocol's timings, in milliseconds, from {@code nodes.properties}.
 *
 * @param heartbeatIntervalMs how often a node heartbeats the coordinator (and renews a lease it holds)
 * @param failureTimeoutMs    silence after which the coordinator is presumed dead; also the election's wait for OK
 * @param leaseMs             how long a lock grant lives without renewal
 * @param rpcTimeoutMs        connect and read timeout of one outbound remote call
 * @param requestTimeoutMs    how long a node lets a client operation wait for the cluster before answering "unavailable"
 * @param loanDays            the loan period a borrow or renew sets
 */
public record Timings(long heartbeatIntervalMs, long failureTimeoutMs, long leaseMs, long rpcTimeoutMs,
                      long requestTimeoutMs, int loanDays) implements Serializable {

    public static final Timings DEFAULTS = new Timings(200, 1000, 2000, 500, 8000, 14);

    /** The settings a {@code nodes.properties} may hold, each with its default. */
    static final Map<String, Long> KEYS = new TreeMap<>(DEFAULTS.settings());

    /** These timings as the settings that give them, {@code heartbeat.interval.ms} first, in the file's names. */
    public Map<String, Long> settings() {
        Map<String, Long> settings = new LinkedHashMap<>();
        settings.put("heartbeat.interval.ms", heartbeatIntervalMs);
        settings.put("failure.timeout.ms", failureTimeoutMs);
        settings.put("lease.ms", leaseMs);
        settings.put("rpc.timeout.ms", rpcTimeoutMs);
        settings.put("request.timeout.ms", requestTimeoutMs);
        settings.put("loan.days", (long) loanDays);
        return settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects {@code key=value} settings, checking each as it comes. */
    public static final class Builder {
        private final Map<String, Long> values = new TreeMap<>(KEYS);

        void set(String key, String value, String where) throws ConfigException {
            if (!KEYS.containsKey(key)) {
                throw new ConfigException(where + ": unknown setting '" + key + "' (known: "
                        + String.join(", ", KEYS.keySet()) + ")");
            }
            long parsed;
            try {
                parsed = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new ConfigException(where + ": " + key + " must be a whole number, got '" + value + "'");
            }
            if (parsed <= 0 || parsed > 86_400_000L) {
                throw new ConfigException(where + ": " + key + " must be between 1 and 86400000, got " + parsed);
            }
            values.put(key, parsed);
        }

        Timings build(String source) throws ConfigException {
            Timings t = new Timings(values.get("heartbeat.interval.ms"), values.get("failure.timeout.ms"),
                    values.get("lease.ms"), values.get("rpc.timeout.ms"), values.get("request.timeout.ms"),
                    values.get("loan.days").intValue());
            if (t.heartbeatIntervalMs >= t.failureTimeoutMs) {
                throw new ConfigException(source + ": heartbeat.interval.ms (" + t.heartbeatIntervalMs
                        + ") must be shorter than failure.timeout.ms (" + t.failureTimeoutMs + ")");
            }
            if (t.leaseMs <= t.heartbeatIntervalMs) {
                throw new ConfigException(source + ": lease.ms (" + t.leaseMs
                        + ") must be longer than heartbeat.interval.ms (" + t.heartbeatIntervalMs + ")");
            }
            return t;
        }
    }
}
