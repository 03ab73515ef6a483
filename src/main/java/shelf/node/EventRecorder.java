package shelf.node;

import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.election.Role;
import shelf.events.Clocks;
import shelf.events.Event;
import shelf.events.EventSink;
import shelf.events.EventTypes;
import shelf.fencing.FencingToken;
import shelf.protocol.LogLimiter;
import shelf.protocol.Message;
import shelf.protocol.Scheduler;

/**
 * A node's events with their clocks: every message sent and received, and the local events of {@link EventTypes},
 * each ticking the node's {@link Clocks} and going to the {@link EventSink} (which writes them off this thread). With
 * events on, every message leaves {@link Message.Stamped} with the clocks and the node's sequence number, and a stamped
 * message that arrives merges its clocks (when they are sane) before any role sees it. With events off
 * ({@link #off}) nothing is recorded and messages travel bare. A message a node sends itself (the coordinator's own
 * lock requests, grants and releases) is not a message on the wire and is not recorded as one: its GRANT_GIVEN,
 * GRANT_TAKEN and RELEASED events show the cycle (and recording every step of it cost the coordinator's own lock
 * cycles several times over; BENCHMARKS.md).
 *
 * <p>Protocol thread only, except {@link #sink()}.
 */
public final class EventRecorder {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

    private final int self;
    private final EventSink sink;
    private final LongSupplier wallClock;
    private final Clocks clocks;
    private final boolean on;
    private final LogLimiter badClocks = new LogLimiter(1, 10_000);
    private long seq;
    private Role lastRole;
    private int lastCoordinator = -1;
    private long lastEpoch = -1;

    /**
     * Records node {@code self}'s events (in a cluster of {@code ids}) into {@code sink}, timed by {@code wallClock}
     * (milliseconds since the epoch), with clocks that continue from {@code last} (the node's last recorded event) if any.
     */
    public EventRecorder(int self, List<Integer> ids, EventSink sink, LongSupplier wallClock, java.util.Optional<Event> last) {
        this.self = self;
        this.sink = sink;
        this.wallClock = wallClock;
        this.clocks = new Clocks(ids, self);
        this.on = sink.enabled();
        last.ifPresent(e -> clocks.resume(e.lc(), e.vc()));
    }

    /** No events, and bare messages. */
    public static EventRecorder off(int self, List<Integer> ids) {
        return new EventRecorder(self, ids, EventSink.OFF, () -> 0, java.util.Optional.empty());
    }

    public EventSink sink() {
        return sink;
    }

    /** The message to hand the transport for {@code m} to {@code to}: stamped with the clocks after the send. */
    Message sent(int to, Message m) {
        if (!on) {
            return m;
        }
        if (m instanceof Message.LockGrant g) {
            local(EventTypes.GRANT_GIVEN, to, g.epoch(), g.token(), null);
        } else if (m instanceof Message.LockRelease r) {
            local(EventTypes.RELEASED, Event.NONE, r.epoch(), r.token(), null);
        }
        if (to == self) {
            return m; // the coordinator's own lock traffic never leaves the process: its local events say enough
        }
        clocks.tick();
        long n = ++seq;
        record(Event.Kind.SEND, m.type(), to, self + "-" + n, m.epoch(), token(m), detail(m));
        return new Message.Stamped(m, clocks.lamport(), clocks.vector(), n);
    }

    /** The message for the roles: {@code m} without its stamp, whose clocks are merged into this node's first. */
    Message received(Message m) {
        if (!on || m.from() == self && !(m instanceof Message.Stamped)) {
            return Message.Stamped.payload(m); // off, or a message to itself (not recorded: see sent)
        }
        String mid = null;
        if (m instanceof Message.Stamped s) {
            String problem = clocks.problem(s.lamport(), s.vector());
            if (problem == null) {
                clocks.receive(s.lamport(), s.vector());
            } else {
                clocks.tick();
                if (badClocks.admit(wallClock.getAsLong())) {
                    log.warn("node {}: ignored the clocks of a {} from node {}: {}{}", self, s.type(), s.from(), problem,
                            badClocks.suppressedNote());
                }
            }
            mid = s.from() + "-" + s.seq();
        } else {
            clocks.tick(); // a peer without events, or a test: no clocks to merge
        }
        Message bare = Message.Stamped.payload(m);
        record(Event.Kind.RECV, bare.type(), bare.from(), mid, bare.epoch(), token(bare), detail(bare));
        return bare;
    }

    /** {@code m} could not be delivered to {@code peer}. */
    void unreachable(int peer, Message m) {
        if (on) {
            String mid = m instanceof Message.Stamped s ? self + "-" + s.seq() : null;
            clocks.tick();
            record(Event.Kind.LOCAL, EventTypes.UNREACHABLE, peer, mid, m.epoch(), null, m.type());
        }
    }

    /** A local event; {@code peer} {@link Event#NONE} and {@code token} null when they do not apply. */
    void local(String type, int peer, long epoch, FencingToken token, String detail) {
        if (on) {
            clocks.tick();
            record(Event.Kind.LOCAL, type, peer, null, epoch, token == null ? null : token.toString(), detail);
        }
    }

    /** The election's news: a ROLE event when the role or the coordinator followed changed, an EPOCH event when the epoch did. */
    void coordinatorChanged(int coordinator, long epoch, Role role) {
        if (role != lastRole || coordinator != lastCoordinator) {
            lastRole = role;
            lastCoordinator = coordinator;
            local(EventTypes.ROLE, Math.max(coordinator, Event.NONE), epoch, null, role.name());
        }
        if (epoch != lastEpoch) {
            lastEpoch = epoch;
            local(EventTypes.EPOCH, Event.NONE, epoch, null, null);
        }
    }

    /**
     * {@code writer}, recording each batch it is given (STORE_WRITE with its token) and each refused for a stale token
     * (STALE_WRITE_REFUSED, recorded on the protocol thread when the store's answer comes back).
     */
    LibraryWriter watching(LibraryWriter writer, Scheduler scheduler) {
        if (!on) {
            return writer;
        }
        return (token, batch, listener) -> {
            local(EventTypes.STORE_WRITE, Event.NONE, token.epoch(), token, batch.size() + " operation(s)");
            writer.write(token, batch, new LibraryWriter.Listener() {
                @Override
                public void appended(LibraryWriter.Result result) {
                    if (result instanceof LibraryWriter.Result.Fenced f) {
                        scheduler.execute(() -> local(EventTypes.STALE_WRITE_REFUSED, Event.NONE, token.epoch(), token,
                                f.reason()));
                    }
                    listener.appended(result);
                }

                @Override
                public void durable() {
                    listener.durable();
                }

                @Override
                public void notDurable(String reason) {
                    listener.notDurable(reason);
                }
            });
        };
    }

    private void record(Event.Kind kind, String type, int peer, String mid, long epoch, String token, String detail) {
        sink.record(new Event(wallClock.getAsLong(), self, clocks.lamport(), clocks.snapshot(), kind, type, peer, mid, epoch,
                token, detail));
    }

    private static String token(Message m) {
        FencingToken t = null;
        if (m instanceof Message.LockGrant g) {
            t = g.token();
        } else if (m instanceof Message.LockRelease r) {
            t = r.token();
        } else if (m instanceof Message.LeaseRenewal r) {
            t = r.token();
        } else if (m instanceof Message.LockStateReport r) {
            t = r.held();
        }
        return t == null ? null : t.toString();
    }

    private static String detail(Message m) {
        if (m instanceof Message.LockRequest r) {
            return "request " + r.requestId();
        } else if (m instanceof Message.Stale s) {
            return "coordinator " + s.coordinator();
        }
        return null;
    }
}
