package shelf.rmi;

import java.util.ArrayList;
import java.util.List;
import shelf.protocol.Batch;
import shelf.protocol.Message;

/**
 * The reply of a {@link shelf.api.NodeService#deliver} call: the messages the receiving node addressed to the calling
 * node while it handled the call's batch <em>on the calling RMI thread</em> (a node runs protocol tasks on the thread
 * that submits them when it is idle: {@code node.SerialScheduler}). They travel back in the call's return value instead
 * of as a call of their own: a lock grant for a request that finds the lock free, so a follower's lock cycle is one
 * round trip; the holder's release and next request for a grant, so a contended handoff is one too. What the node
 * produces later, or on another thread (it was busy), goes by the ordinary calls.
 *
 * <p>{@link NodeServiceImpl} opens a reply around handling a batch; the node's {@link RmiTransport} offers each message
 * it is asked to send, and keeps those addressed to the caller of a reply open on the current thread. A reply that is
 * never read (the caller died meanwhile) is lost without a word, as a message can be anyway: the lock server bounds a
 * grant lost that way by its first lease ({@code lock.LockServer}).
 */
final class Replies {
    /** At most this many messages in one reply; more go by the ordinary calls. */
    static final int MAX = 64;
    private static final ThreadLocal<Replies> OPEN = new ThreadLocal<>();

    private final int receiver;
    private final int caller;
    private final List<Message> messages = new ArrayList<>(2);

    private Replies(int receiver, int caller) {
        this.receiver = receiver;
        this.caller = caller;
    }

    /** Node {@code receiver} begins handling a call from node {@code caller} on this thread. */
    static Replies open(int receiver, int caller) {
        Replies reply = new Replies(receiver, caller);
        OPEN.set(reply);
        return reply;
    }

    /** Ends the reply opened on this thread: nothing more is kept for it. */
    void end() {
        OPEN.remove();
    }

    /** What the reply collected. */
    Batch messages() {
        return messages.isEmpty() ? Batch.EMPTY : new Batch(messages);
    }

    /**
     * Keeps {@code m}, from node {@code from} to node {@code to}, for the reply open on this thread if it is that call's
     * answer.
     *
     * @return true when kept: the caller must not send it otherwise
     */
    static boolean offer(int from, int to, Message m) {
        Replies reply = OPEN.get();
        if (reply == null || reply.receiver != from || reply.caller != to || reply.messages.size() >= MAX) {
            return false;
        }
        reply.messages.add(m);
        return true;
    }
}
