package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import shelf.fencing.FencingToken;
import shelf.protocol.Batch;
import shelf.protocol.Message;

/**
 * Frames encoded and decoded through buffers a connection keeps: every frame reads back as written however the sizes
 * follow each other (a large frame between small ones, a bad frame between good ones), and what is refused is refused
 * before anything is handed on.
 */
class FrameCodecTest {
    private final FrameCodec sender = new FrameCodec();
    private final FrameCodec receiver = new FrameCodec();

    private static final Batch CYCLE = Batch.of(new Message.LockRelease(2, 9, new FencingToken(9, 41)),
            new Message.LockRequest(2, 9, 42));
    private static final Batch GRANT = Batch.of(new Message.LockGrant(1, 9, 42, new FencingToken(9, 42), 800, 2_000));

    @Test
    void framesOfEverySizeReadBackAsWrittenInTurn() throws IOException {
        Batch large = largeBatch(); // more than the buffers kept between frames
        List<Batch> sent = List.of(CYCLE, GRANT, large, CYCLE, Batch.EMPTY, large, GRANT);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(wire);
        for (Batch b : sent) {
            sender.write(out, b);
        }
        assertTrue(wire.size() > 2 * FrameCodec.KEPT_BYTES, "the large frames are larger than the kept buffers");
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire.toByteArray()));
        for (Batch b : sent) {
            assertEquals(b, receiver.read(in));
        }
        assertEquals(0, in.available());
    }

    @Test
    void aFrameIsItsLengthThenTheBatchForm() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        sender.write(new DataOutputStream(wire), GRANT);
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        GRANT.write(new DataOutputStream(form));
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire.toByteArray()));
        assertEquals(form.size(), in.readInt());
        assertArrayEquals(form.toByteArray(), in.readAllBytes());
    }

    @Test
    void refusesLengthsOutsideTheBoundsBeforeReadingOn() {
        for (int length : new int[] {-1, 0, 1, PeerFrames.MAX_FRAME_BYTES + 1, Integer.MAX_VALUE}) {
            IOException e = assertThrows(IOException.class, () -> receiver.read(frameOf(length, new byte[0])));
            assertTrue(e.getMessage().startsWith("a frame of " + length + " bytes"), e.getMessage());
        }
    }

    @Test
    void refusesBytesAfterTheBatchAndContentThatIsNoBatch() throws IOException {
        byte[] form = formOf(CYCLE);
        byte[] longer = java.util.Arrays.copyOf(form, form.length + 3);
        IOException after = assertThrows(IOException.class, () -> receiver.read(frameOf(longer.length, longer)));
        assertEquals("a frame with 3 bytes after its batch", after.getMessage());
        byte[] unknownKind = {0, 1, 0x7F, 0, 0, 0};
        assertThrows(IOException.class, () -> receiver.read(frameOf(unknownKind.length, unknownKind)));
        byte[] cut = java.util.Arrays.copyOf(form, form.length - 1);
        assertThrows(IOException.class, () -> receiver.read(frameOf(cut.length + 1, cut)), "the stream ends mid-frame");
        // the codec is not left in a bad state: the next good frame reads whole
        assertEquals(CYCLE, receiver.read(frameOf(form.length, form)));
    }

    private static Batch largeBatch() {
        List<Message> messages = new ArrayList<>();
        long[] vector = new long[16];
        for (int i = 0; i < Batch.MAX; i++) {
            vector[i % vector.length] = i;
            messages.add(new Message.Stamped(new Message.Heartbeat(1, i), i, vector.clone(), i));
        }
        return new Batch(messages);
    }

    private static byte[] formOf(Batch b) throws IOException {
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        b.write(new DataOutputStream(form));
        return form.toByteArray();
    }

    private static DataInputStream frameOf(int length, byte[] content) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(wire);
        out.writeInt(length);
        out.write(content);
        return new DataInputStream(new ByteArrayInputStream(wire.toByteArray()));
    }
}
