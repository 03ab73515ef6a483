package shelf.protocol;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.Externalizable;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.ObjectStreamException;
import java.util.HashMap;
import java.util.Map;
import shelf.fencing.FencingToken;

/**
 * A message's serialized form: a tag byte, then its fields as fixed-width numbers. Every {@link Message} record writes
 * itself as one ({@code writeReplace}) and is read back through its constructor ({@code readResolve}), so a remote call
 * carries one small class description instead of one per record and per fencing token. Several go in a {@link Batch}.
 * Java serialization's own form of a lock cycle's call and reply (an array of records) cost 18 µs of CPU to write and
 * read, and 622 bytes; in batches of this form, 3.8 µs and 187 bytes (BENCHMARKS.md, "Messages in a form of their own").
 *
 * <p>Reading checks before it believes: an unknown tag, a vector clock longer than {@link #MAX_VECTOR} or a stamp in a
 * stamp is refused with {@link InvalidObjectException}, and the records' constructors check the rest.
 */
public final class Wire implements Externalizable {
    private static final long serialVersionUID = 1L;

    /** The longest vector clock read: one entry per node, far more nodes than a cluster has. */
    static final int MAX_VECTOR = 1024;

    /** Writes one kind of message's fields. */
    @FunctionalInterface
    private interface Writer<M extends Message> {
        void write(DataOutput out, M m) throws IOException;
    }

    /** Reads one kind of message's fields, its tag already read. */
    @FunctionalInterface
    private interface Reader {
        Message read(DataInput in) throws IOException;
    }

    /** A kind of message: its tag and how its fields are written and read. */
    private record Kind<M extends Message>(int tag, Class<M> type, Writer<M> writer, Reader reader) {
        void write(DataOutput out, Message m) throws IOException {
            out.writeByte(tag);
            writer.write(out, type.cast(m));
        }
    }

    private static final Kind<?>[] BY_TAG = {
        new Kind<>(0, Message.Election.class, Wire::head, in -> new Message.Election(in.readInt(), in.readLong())),
        new Kind<>(1, Message.Ok.class, Wire::head, in -> new Message.Ok(in.readInt(), in.readLong())),
        new Kind<>(2, Message.Coordinator.class, Wire::head, in -> new Message.Coordinator(in.readInt(), in.readLong())),
        new Kind<>(3, Message.Heartbeat.class, Wire::head, in -> new Message.Heartbeat(in.readInt(), in.readLong())),
        new Kind<>(4, Message.HeartbeatAck.class, Wire::head,
            in -> new Message.HeartbeatAck(in.readInt(), in.readLong())),
        new Kind<>(5, Message.Stale.class, (out, m) -> {
            head(out, m);
            out.writeInt(m.coordinator());
        }, in -> new Message.Stale(in.readInt(), in.readLong(), in.readInt())),
        new Kind<>(6, Message.LockRequest.class, (out, m) -> {
            head(out, m);
            out.writeLong(m.requestId());
        }, in -> new Message.LockRequest(in.readInt(), in.readLong(), in.readLong())),
        new Kind<>(7, Message.LockGrant.class, (out, m) -> {
            head(out, m);
            out.writeLong(m.requestId());
            token(out, m.token());
            out.writeLong(m.leaseMs());
            out.writeLong(m.renewedLeaseMs());
        }, in -> new Message.LockGrant(in.readInt(), in.readLong(), in.readLong(), token(in), in.readLong(), in.readLong())),
        new Kind<>(8, Message.LockRelease.class, (out, m) -> {
            head(out, m);
            token(out, m.token());
        }, in -> new Message.LockRelease(in.readInt(), in.readLong(), token(in))),
        new Kind<>(9, Message.LeaseRenewal.class, (out, m) -> {
            head(out, m);
            token(out, m.token());
        }, in -> new Message.LeaseRenewal(in.readInt(), in.readLong(), token(in))),
        new Kind<>(10, Message.LockStateQuery.class, (out, m) -> {
            head(out, m);
            out.writeLong(m.leaseMs());
        }, in -> new Message.LockStateQuery(in.readInt(), in.readLong(), in.readLong())),
        new Kind<>(11, Message.LockStateReport.class, Wire::report, Wire::report),
        new Kind<>(12, Message.Stamped.class, Wire::stamped, Wire::stamped),
    };

    private static final Map<Class<?>, Kind<?>> BY_TYPE = new HashMap<>();

    static {
        for (int tag = 0; tag < BY_TAG.length; tag++) {
            if (BY_TAG[tag].tag() != tag) {
                throw new AssertionError("kind " + BY_TAG[tag] + " is not at its tag");
            }
            BY_TYPE.put(BY_TAG[tag].type(), BY_TAG[tag]);
        }
    }

    private Message message;

    /** For deserialization only: {@link #readExternal} fills it in. */
    public Wire() {
    }

    Wire(Message message) {
        this.message = message;
    }

    /** Writes {@code m} in this form: its tag, then its fields. */
    public static void write(DataOutput out, Message m) throws IOException {
        BY_TYPE.get(m.getClass()).write(out, m);
    }

    /** Reads one message written by {@link #write}. */
    public static Message read(DataInput in) throws IOException {
        try {
            return kind(in.readUnsignedByte()).reader().read(in);
        } catch (IllegalArgumentException e) { // a record's constructor refused the fields
            throw new InvalidObjectException("message refused: " + e.getMessage());
        }
    }

    private static Kind<?> kind(int tag) throws InvalidObjectException {
        if (tag >= BY_TAG.length) {
            throw new InvalidObjectException("unknown message tag " + tag);
        }
        return BY_TAG[tag];
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        write(out, message);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        message = read(in);
    }

    /** What the stream reads in this object's place: the message itself. */
    private Object readResolve() throws ObjectStreamException {
        if (message == null) {
            throw new InvalidObjectException("no message");
        }
        return message;
    }

    private static void head(DataOutput out, Message m) throws IOException {
        out.writeInt(m.from());
        out.writeLong(m.epoch());
    }

    private static void token(DataOutput out, FencingToken t) throws IOException {
        out.writeLong(t.epoch());
        out.writeLong(t.counter());
    }

    private static FencingToken token(DataInput in) throws IOException {
        return new FencingToken(in.readLong(), in.readLong());
    }

    private static void report(DataOutput out, Message.LockStateReport m) throws IOException {
        head(out, m);
        out.writeBoolean(m.held() != null);
        if (m.held() != null) {
            token(out, m.held());
        }
        out.writeLong(m.heldRequestId());
        out.writeLong(m.waitingRequestId());
    }

    private static Message report(DataInput in) throws IOException {
        int from = in.readInt();
        long epoch = in.readLong();
        FencingToken held = in.readBoolean() ? token(in) : null;
        return new Message.LockStateReport(from, epoch, held, in.readLong(), in.readLong());
    }

    private static void stamped(DataOutput out, Message.Stamped m) throws IOException {
        out.writeLong(m.lamport());
        out.writeLong(m.seq());
        out.writeShort(m.vector().length);
        for (long v : m.vector()) {
            out.writeLong(v);
        }
        write(out, m.message());
    }

    private static Message stamped(DataInput in) throws IOException {
        long lamport = in.readLong();
        long seq = in.readLong();
        int n = in.readUnsignedShort();
        if (n > MAX_VECTOR) {
            throw new InvalidObjectException("a vector clock of " + n + " entries (at most " + MAX_VECTOR + ")");
        }
        long[] vector = new long[n];
        for (int i = 0; i < n; i++) {
            vector[i] = in.readLong();
        }
        Kind<?> kind = kind(in.readUnsignedByte());
        if (kind.type() == Message.Stamped.class) {
            throw new InvalidObjectException("a stamped message in a stamped message");
        }
        return new Message.Stamped(kind.reader().read(in), lamport, vector, seq);
    }
}
