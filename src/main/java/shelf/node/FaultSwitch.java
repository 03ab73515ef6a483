package shelf.node;

import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.api.Faults;

/**
 * The network faults an operator put in force on one node ({@code admin partition}, {@code drop}, {@code delay}), read
 * by its {@link FaultyTransport} (messages out) and {@link FaultyTransport#inbound inbound filter} (messages in), set
 * by its admin service. Starts healthy, {@link Faults#NONE}: faults are never persisted, so a restart clears them.
 * Thread-safe: set on RMI threads, read on the protocol thread and the RMI threads that deliver messages.
 */
public final class FaultSwitch {
    private static final Logger log = LoggerFactory.getLogger(FaultSwitch.class);

    private final int self;
    private final Random random;
    private volatile Faults faults = Faults.NONE;

    /** @param random where drops are drawn from (seeded in the simulation) */
    public FaultSwitch(int self, Random random) {
        this.self = self;
        this.random = random;
    }

    public Faults current() {
        return faults;
    }

    /**
     * Puts {@code wanted} in force, with one WARN line when it changes anything.
     *
     * @return the faults in force before
     * @throws IllegalArgumentException when {@code wanted} blocks this node itself
     */
    public Faults set(Faults wanted) {
        if (wanted.blocks(self)) {
            throw new IllegalArgumentException("node " + self + " cannot block itself (blocked " + wanted.blocked() + ")");
        }
        Faults next = wanted.none() ? Faults.NONE : wanted; // the one healthy instance, which none() compares with
        Faults before;
        synchronized (this) {
            before = faults;
            faults = next;
        }
        if (!before.equals(next)) {
            log.warn("node {}: network faults now {} (were {})", self, next.describe(), before.describe());
        }
        return before;
    }

    /** Whether a message between this node and {@code peer}, either way, is lost now. */
    boolean loses(int peer) {
        Faults f = faults;
        if (f.blocks(peer)) {
            return true;
        }
        int percent = f.dropPercent();
        return percent > 0 && (percent >= 100 || nextPercent() < percent);
    }

    private int nextPercent() {
        synchronized (random) {
            return random.nextInt(100);
        }
    }

    boolean none() {
        return faults == Faults.NONE;
    }

    long delayMs() {
        return faults.delayMs();
    }

    boolean blocks(int peer) {
        return faults.blocks(peer);
    }
}
