package shelf.protocol;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.Externalizable;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.List;

/**
 * Messages in the order they were sent, as one object: what {@code NodeService.deliver} carries both ways. Written as a
 * count and each message's {@link Wire} form, so a call describes one class, not an array's and then its elements'
 * (BENCHMARKS.md, "Messages in a form of their own").
 *
 * <p>Reading checks before it believes: more than {@link #MAX} messages, or any message {@link Wire#read} refuses,
 * fails the whole batch with {@link InvalidObjectException}.
 */
public final class Batch implements Externalizable {
    private static final long serialVersionUID = 1L;

    /** The most messages one batch is read with: more than any sender queues for one call. */
    public static final int MAX = 1024;

    /** No messages. */
    public static final Batch EMPTY = new Batch(List.of());

    private List<Message> messages;

    /** For deserialization only: {@link #readExternal} fills it in. */
    public Batch() {
        messages = List.of();
    }

    public Batch(List<Message> messages) {
        this.messages = List.copyOf(messages);
    }

    public static Batch of(Message... messages) {
        return new Batch(List.of(messages));
    }

    /** The messages, in order; not null, and none of them null. */
    public List<Message> messages() {
        return messages;
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        write(out);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        messages = readMessages(in);
    }

    /** Writes the batch's form: the count, then each message's {@link Wire} form (also a peer frame's content). */
    public void write(DataOutput out) throws IOException {
        out.writeShort(messages.size());
        for (Message m : messages) {
            Wire.write(out, m);
        }
    }

    /**
     * Reads a batch's form, checking it as {@link #readExternal} does.
     *
     * @throws InvalidObjectException for more than {@link #MAX} messages or any message {@link Wire#read} refuses
     */
    public static Batch read(DataInput in) throws IOException {
        Batch b = new Batch();
        b.messages = readMessages(in);
        return b;
    }

    private static List<Message> readMessages(DataInput in) throws IOException {
        int n = in.readUnsignedShort();
        if (n > MAX) {
            throw new InvalidObjectException("a batch of " + n + " messages (at most " + MAX + ")");
        }
        Message[] read = new Message[n];
        for (int i = 0; i < n; i++) {
            read[i] = Wire.read(in);
        }
        return List.of(read);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Batch b && messages.equals(b.messages);
    }

    @Override
    public int hashCode() {
        return messages.hashCode();
    }

    @Override
    public String toString() {
        return messages.toString();
    }
}
