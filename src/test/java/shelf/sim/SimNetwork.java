package shelf.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.IntFunction;
import shelf.protocol.Message;

/**
 * The simulated cluster's network, with a firewall in the manner of MicroRaft's {@code LocalTransport} and
 * {@code Firewall}: links blocked one way or both, the cluster split into sides and healed, seeded loss and
 * duplication, slow links, and rules that drop or fail chosen messages. Every message a node sends meets, in
 * this order:
 * <ol>
 *   <li>the send hook ({@link #beforeSend}), which may crash the sender mid-step or swallow the message;</li>
 *   <li>a crashed (or never started) target: the sender hears "undeliverable" at once (connection refused);</li>
 *   <li>a blocked link or a {@link #fail} rule: the sender hears "undeliverable" after the RPC timeout;</li>
 *   <li>a {@link #drop} rule or the {@link #dropRate}: the message is lost without a word;</li>
 *   <li>a paused target: the sender hears "undeliverable" after the RPC timeout, and the message is still
 *       processed when the target resumes, or not (a coin toss: it may have sat in the socket);</li>
 *   <li>delivery after a random latency plus the link's {@link #slow extra delay} (past the RPC timeout the sender
 *       hears "undeliverable" too, as from an RMI call that timed out but ran); a second copy at the
 *       {@link #duplicateRate}.</li>
 * </ol>
 * Every message is a call, as {@code NodeService.deliver} is, and its reply carries what the target answered the caller
 * while handling it ({@code rmi.Replies}: a real node runs the handling on the RMI thread when it is idle, and a
 * simulated node always is between two events): a lock grant for a request that found the lock free, a heartbeat's
 * acknowledgement. A reply arrives after its own latency; it is lost without a word when a drop rule or the drop rate
 * selects it, or when its caller has crashed meanwhile (a reply never read); across a link blocked back, or after the
 * call took longer than the RPC timeout, it is lost and the caller hears its message undeliverable.
 * {@link #replies(boolean) replies(false)} sends every answer as a call of its own instead, as before replies existed.
 *
 * <p>Every random choice comes from the simulation's seeded {@code Random}, so a run is a function of its seed.
 * Rules and blocks are additive: each call adds to what is in place.
 */
final class SimNetwork {
    /** The least time a message takes to arrive. */
    static final long MIN_LATENCY_MICROS = 50;
    /** At most this much more, drawn at random per message. */
    static final long MAX_JITTER_MICROS = 2_000;
    /** How long a connection to a dead process takes to be refused. */
    static final long REFUSED_MICROS = 200;

    /** A node as the network sees it: its process state, and where its messages and failure reports go. */
    interface Endpoint {
        ProcessState state();

        /** A message arrives for the node. */
        void receive(Message m);

        /** The node's message {@code m} to {@code peer} could not be delivered. */
        void undeliverable(int peer, Message m);

        /** A message arrives for the node in a peer's call, to be handled on the calling thread: its answers are the reply. */
        default void receiveCall(Message m) {
            receive(m);
        }
    }

    /** A call being handled: what its receiver answers its caller goes in {@code answers}. */
    private record Call(Link link, List<Message> answers) {
    }

    /** A firewall rule over the messages a predicate selects (by recipient and content); see {@link #drop}. */
    static final class Rule {
        private final BiPredicate<Integer, Message> selects;
        private int limit = Integer.MAX_VALUE;
        private int matched;

        private Rule(BiPredicate<Integer, Message> selects) {
            this.selects = selects;
        }

        /** Acts on the first {@code n} messages selected only; later ones pass (and are still counted). */
        Rule times(int n) {
            limit = n;
            return this;
        }

        /** How many messages the rule selected so far, acted on or not. */
        int matched() {
            return matched;
        }

        private boolean appliesTo(int to, Message m) {
            if (!selects.test(to, m)) {
                return false;
            }
            matched++;
            return matched <= limit;
        }
    }

    private record Link(int from, int to) {
    }

    private final Simulation sim;
    private final List<Integer> ids;
    private final long rpcTimeoutMicros;
    private final IntFunction<Endpoint> endpoints;
    private final Set<Link> blocked = new HashSet<>();
    private final Map<Link, Long> extraDelayMicros = new HashMap<>();
    private final List<Rule> dropRules = new ArrayList<>();
    private final List<Rule> failRules = new ArrayList<>();
    private BiPredicate<Integer, Message> beforeSend = (to, m) -> false;
    private double dropRate;
    private double duplicateRate;
    private boolean replies = true;
    private Call open;
    private final Map<String, Integer> carriedInReplies = new HashMap<>();

    /**
     * @param ids              every node of the cluster
     * @param rpcTimeoutMicros how long a sender waits before it hears that a message was not delivered
     * @param endpoints        the current process of a node id, or null when it was never started
     */
    SimNetwork(Simulation sim, List<Integer> ids, long rpcTimeoutMicros, IntFunction<Endpoint> endpoints) {
        this.sim = sim;
        this.ids = List.copyOf(ids);
        this.rpcTimeoutMicros = rpcTimeoutMicros;
        this.endpoints = endpoints;
    }

    // ---- the firewall ----

    /** Messages from {@code from} to {@code to} are reported undeliverable after the RPC timeout. One way only. */
    void block(int from, int to) {
        blocked.add(new Link(from, to));
    }

    void unblock(int from, int to) {
        blocked.remove(new Link(from, to));
    }

    /** {@link #block} both ways. */
    void disconnect(int a, int b) {
        block(a, b);
        block(b, a);
    }

    void reconnect(int a, int b) {
        unblock(a, b);
        unblock(b, a);
    }

    /** Disconnects {@code id} from every other node. */
    void isolate(int id) {
        split(Set.of(id));
    }

    /**
     * Splits the cluster: no message crosses between two of the {@code sides}; the nodes named in none of them
     * form one more side. Undone by {@link #heal}.
     */
    @SafeVarargs
    final void split(Set<Integer>... sides) {
        Map<Integer, Integer> sideOf = new HashMap<>();
        for (int s = 0; s < sides.length; s++) {
            for (int id : sides[s]) {
                sideOf.put(id, s);
            }
        }
        for (int a : ids) {
            for (int b : ids) {
                if (!sideOf.getOrDefault(a, sides.length).equals(sideOf.getOrDefault(b, sides.length))) {
                    block(a, b);
                }
            }
        }
    }

    /** Lifts every block, split and isolation. Slow links, rates and rules stay. */
    void heal() {
        blocked.clear();
    }

    /** Each message is lost with this probability (after the blocks and rules). */
    void dropRate(double probability) {
        dropRate = probability;
    }

    /** Each delivered message arrives twice with this probability. */
    void duplicateRate(double probability) {
        duplicateRate = probability;
    }

    /** Messages from {@code from} to {@code to} take {@code extraMicros} longer; 0 restores the link. One way only. */
    void slow(int from, int to, long extraMicros) {
        if (extraMicros == 0) {
            extraDelayMicros.remove(new Link(from, to));
        } else {
            extraDelayMicros.put(new Link(from, to), extraMicros);
        }
    }

    /** Whether answers travel in the reply to the call they answer (the default), or each as a call of its own. */
    void replies(boolean on) {
        replies = on;
    }

    /** How many messages of a type ({@code LOCK_GRANT}) arrived in a reply to a call, rather than as a call. */
    int carriedInReplies(String type) {
        return carriedInReplies.getOrDefault(type, 0);
    }

    /** Messages {@code (to, message)} selects are lost without a word (in a call or in a reply). */
    Rule drop(BiPredicate<Integer, Message> selects) {
        Rule rule = new Rule(selects);
        dropRules.add(rule);
        return rule;
    }

    /** Messages {@code (to, message)} selects are reported undeliverable to their sender after the RPC timeout. */
    Rule fail(BiPredicate<Integer, Message> selects) {
        Rule rule = new Rule(selects);
        failRules.add(rule);
        return rule;
    }

    void remove(Rule rule) {
        dropRules.remove(rule);
        failRules.remove(rule);
    }

    /**
     * Called with {@code (to, message)} for every message a node sends, before anything else: for scenarios that
     * crash a node mid-step. Returning true swallows the message.
     */
    void beforeSend(BiPredicate<Integer, Message> hook) {
        beforeSend = hook;
    }

    // ---- the wire ----

    /** Sends {@code m} from node {@code from} to node {@code to}: the {@code Transport} of every simulated node. */
    void send(int from, int to, Message m) {
        if (beforeSend.test(to, m)) {
            return;
        }
        if (answersOpenCall(from, to, m)) {
            return;
        }
        Endpoint sender = endpoints.apply(from);
        Endpoint target = endpoints.apply(to);
        Link link = new Link(from, to);
        if (target == null || target.state() == ProcessState.CRASHED) {
            sim.at(REFUSED_MICROS, () -> sender.undeliverable(to, m));
            return;
        }
        if (blocked.contains(link) || anyApplies(failRules, to, m)) {
            sim.at(rpcTimeoutMicros, () -> sender.undeliverable(to, m));
            return;
        }
        if (anyApplies(dropRules, to, m) || sim.random().nextDouble() < dropRate) {
            return;
        }
        if (target.state() == ProcessState.PAUSED) {
            sim.at(rpcTimeoutMicros, () -> sender.undeliverable(to, m));
            deliverOrNot(sender, target, link, m);
            return;
        }
        long took = deliver(sender, target, link, m);
        if (sim.random().nextDouble() < duplicateRate) {
            deliver(sender, target, link, m);
        }
        if (took > rpcTimeoutMicros) {
            sim.at(rpcTimeoutMicros, () -> sender.undeliverable(to, m));
        }
    }

    /** Keeps {@code m} for the reply of the call from {@code to} that {@code from} is handling, if any. */
    private boolean answersOpenCall(int from, int to, Message m) {
        if (open == null || !open.link.equals(new Link(to, from))) {
            return false;
        }
        open.answers.add(m);
        return true;
    }

    /** True when a rule of {@code rules} applies to the message; every rule counts the message it selects. */
    private static boolean anyApplies(List<Rule> rules, int to, Message m) {
        boolean applies = false;
        for (Rule rule : rules) {
            applies |= rule.appliesTo(to, m);
        }
        return applies;
    }

    /** A message to a paused node may have sat in its socket, to be processed when it resumes: a coin toss. */
    private void deliverOrNot(Endpoint sender, Endpoint target, Link link, Message m) {
        if (sim.random().nextBoolean()) {
            deliver(sender, target, link, m);
        }
    }

    /** Schedules the message's arrival and returns how long it takes. */
    private long deliver(Endpoint sender, Endpoint target, Link link, Message m) {
        long delay = latency(link);
        sim.at(delay, () -> {
            if (!replies) {
                target.receive(m);
                return;
            }
            Call call = new Call(link, new ArrayList<>());
            open = call;
            try {
                target.receiveCall(m);
            } finally {
                open = null;
            }
            call.answers.forEach(answer -> reply(sender, link, m, answer, delay));
        });
        return delay;
    }

    /** Carries {@code answer} back to the caller of {@code m}, a call that took {@code callMicros} to arrive. */
    private void reply(Endpoint caller, Link link, Message m, Message answer, long callMicros) {
        Link back = new Link(link.to, link.from);
        long delay = latency(back);
        if (callMicros > rpcTimeoutMicros) {
            return; // the caller gave up on the call and heard so already
        }
        if (blocked.contains(back) || callMicros + delay > rpcTimeoutMicros) {
            sim.at(Math.max(0, rpcTimeoutMicros - callMicros), () -> caller.undeliverable(link.to, m));
            return;
        }
        if (anyApplies(dropRules, link.from, answer) || sim.random().nextDouble() < dropRate) {
            return;
        }
        carriedInReplies.merge(answer.type(), 1, Integer::sum);
        sim.at(delay, () -> {
            if (caller.state() != ProcessState.CRASHED) {
                caller.receive(answer);
            }
        });
    }

    private long latency(Link link) {
        return MIN_LATENCY_MICROS + (long) (sim.random().nextDouble() * MAX_JITTER_MICROS)
                + extraDelayMicros.getOrDefault(link, 0L);
    }
}
