package shelf.chaos;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The faults {@code chaos} can inject ({@code --faults}), one at a time. */
public enum FaultKind {
    /** {@code kill -9} of a node, started again when the fault ends. */
    KILL,
    /** {@code SIGSTOP} of a node, {@code SIGCONT} when the fault ends: a long GC pause, sockets open. */
    PAUSE,
    /** A clean restart of a node (SIGTERM, then started again at once). */
    RESTART,
    /** The nodes split in two sides that cannot reach each other ({@code admin partition}), in each node's transport. */
    PARTITION,
    /** Every node loses a share of its messages, each way ({@code admin drop}). */
    DROP,
    /** Every node holds each outgoing message a while ({@code admin delay}). */
    DELAY,
    /** One node's library writes fail: before the append ({@code write}) or at the fsync after it ({@code fsync}). */
    STORE,
    /**
     * A real partition: iptables drops the packets between two sides ({@code cluster.NetPartition}); the nodes run on
     * 127.0.0.11-15, each under its own group id, and no Shelf code knows of the fault. Needs root and iptables.
     */
    NETPARTITION;

    /** The name on the command line and in the report: {@code kill}, {@code pause}, ... */
    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every kind's name, for messages: "kill, pause, restart". */
    public static String names() {
        return Arrays.stream(values()).map(FaultKind::label).collect(Collectors.joining(", "));
    }

    /**
     * The kind named {@code name} (any case).
     *
     * @throws IllegalArgumentException naming the known kinds
     */
    public static FaultKind parse(String name) {
        for (FaultKind k : values()) {
            if (k.label().equalsIgnoreCase(name.strip())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown fault '" + name.strip() + "' (known: " + names() + ")");
    }
}
