package shelf.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shelf.util.JavaSerialization.deserialize;
import static shelf.util.JavaSerialization.serialize;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import shelf.fencing.FencingToken;

/** Every message travels in its own form, {@link Wire}, alone or in a {@link Batch}, comes back equal; forgeries are refused. */
class WireTest {
    private static final FencingToken TOKEN = new FencingToken(12, 78);

    /** One message of every kind (a stamped one too, and a report without a held lock). */
    static final List<Message> ALL = List.of(
            new Message.Election(1, 3),
            new Message.Ok(2, 3),
            new Message.Coordinator(5, 4),
            new Message.Heartbeat(1, 4),
            new Message.HeartbeatAck(5, 4),
            new Message.Stale(3, 4, 5),
            new Message.LockRequest(1, 4, 99),
            new Message.LockGrant(5, 4, 99, TOKEN, 30_000, 2_000),
            new Message.LockRelease(1, 4, TOKEN),
            new Message.LeaseRenewal(1, 4, TOKEN),
            new Message.LockStateQuery(5, 4, 2_000),
            new Message.LockStateReport(1, 4, TOKEN, 99, 100),
            new Message.LockStateReport(2, 4, null, 0, 0),
            new Message.Stamped(new Message.LockGrant(5, 4, 99, TOKEN, 30_000, 2_000), 17, new long[] {1, 0, 3, 0, 9}, 42));



    @Test
    void everyKindOfMessageComesBackEqualAndAsItsOwnRecord() throws Exception {
        for (Message m : ALL) {
            Object back = deserialize(serialize(m));
            assertEquals(m, back, "through Java serialization");
            assertEquals(m.getClass(), back.getClass());
        }
        Message[] array = ALL.toArray(Message[]::new);
        assertArrayEquals(array, (Message[]) deserialize(serialize(array)), "an array of them");
        Batch batch = new Batch(ALL);
        assertEquals(batch, deserialize(serialize(batch)), "a batch, as NodeService.deliver carries");
        assertEquals(Batch.EMPTY, deserialize(serialize(Batch.EMPTY)));
    }

    @Test
    void everyRecordHasAKindAndWritesItselfAsOne() throws Exception {
        Set<Class<?>> covered = ALL.stream().map(Object::getClass).collect(Collectors.toSet());
        for (Class<?> type : Message.class.getPermittedSubclasses()) {
            assertTrue(covered.contains(type), type + " is in this test's list");
            type.getDeclaredMethod("writeReplace"); // or Java serialization would write it as a record
        }
    }

    @Test
    void aLockCycleCarriesNoRecordDescriptionAndIsSmall() throws Exception {
        byte[] call = serialize(Batch.of(new Message.LockRelease(1, 4, TOKEN), new Message.LockRequest(1, 4, 100)));
        String text = new String(call, StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("Message") || text.contains("FencingToken"), "no record's class is described");
        assertTrue(call.length < 100, "release and request in " + call.length + " bytes");
        byte[] alone = serialize(new Message.LockGrant(5, 4, 100, TOKEN, 30_000, 2_000));
        assertFalse(new String(alone, StandardCharsets.ISO_8859_1).contains("LockGrant"), "a message alone, as a Wire");
    }

    @Test
    void aBatchOfMoreThanItsMostIsRefusedAsItIsRead() throws Exception {
        Message[] many = new Message[Batch.MAX + 1];
        Arrays.fill(many, new Message.Heartbeat(1, 4));
        byte[] tooMany = serialize(Batch.of(many)); // a sender never queues so many for one call
        InvalidObjectException e = assertThrows(InvalidObjectException.class, () -> deserialize(tooMany));
        assertEquals("a batch of 1025 messages (at most 1024)", e.getMessage());
        assertEquals(Batch.MAX, ((Batch) deserialize(serialize(Batch.of(Arrays.copyOf(many, Batch.MAX))))).messages().size());
    }

    private static Message read(byte[] b) throws IOException {
        return Wire.read(new DataInputStream(new ByteArrayInputStream(b)));
    }

    private static byte[] written(IoAction action) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        action.run(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    @FunctionalInterface
    private interface IoAction {
        void run(DataOutputStream out) throws IOException;
    }

    @Test
    void aForgedFormIsRefusedBeforeAnythingIsBuiltOfIt() throws Exception {
        InvalidObjectException unknown = assertThrows(InvalidObjectException.class, () -> read(new byte[] {(byte) 200}));
        assertEquals("unknown message tag 200", unknown.getMessage());

        byte[] longVector = written(out -> {
            out.writeByte(12); // stamped
            out.writeLong(1);
            out.writeLong(1);
            out.writeShort(Wire.MAX_VECTOR + 1);
        });
        assertThrows(InvalidObjectException.class, () -> read(longVector), "a vector clock longer than any cluster");

        byte[] stampInStamp = written(out -> {
            Message.Stamped inner = (Message.Stamped) ALL.get(ALL.size() - 1);
            out.writeByte(12);
            out.writeLong(1);
            out.writeLong(1);
            out.writeShort(0);
            Wire.write(out, inner);
        });
        InvalidObjectException nested = assertThrows(InvalidObjectException.class, () -> read(stampInStamp));
        assertEquals("a stamped message in a stamped message", nested.getMessage());

        byte[] negativeSeq = written(out -> {
            out.writeByte(12);
            out.writeLong(1);
            out.writeLong(-1); // a stamp's sequence number is >= 0: its constructor refuses it
            out.writeShort(0);
            Wire.write(out, new Message.Heartbeat(1, 4));
        });
        assertTrue(assertThrows(InvalidObjectException.class, () -> read(negativeSeq)).getMessage()
                .startsWith("message refused: "));

        byte[] grant = written(out -> Wire.write(out, ALL.get(7)));
        assertThrows(EOFException.class, () -> read(Arrays.copyOf(grant, grant.length - 1)), "a message cut short");
    }
}
