package shelf.rmi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import shelf.protocol.Batch;

/**
 * One connection's frames ({@link PeerFrames}): a length, then a {@link Batch}'s form. The buffers they are encoded into
 * and decoded from belong to the connection and are used again for every frame, so a frame costs no allocation but its
 * messages: a lock cycle's two frames used to make about fifteen short-lived objects on each end (the encoding's
 * stream and copy, the frame's array, a decoding stream with its own buffers). One thread at a time, as a connection is.
 *
 * <p>A frame is read whole before it is decoded, and decoded to its last byte: a length outside 2 to
 * {@link PeerFrames#MAX_FRAME_BYTES}, content that is not a batch, or bytes after the batch fail the read with an
 * {@link IOException} before anything is handed on. Buffers grown for a frame larger than {@link #KEPT_BYTES} are not
 * kept.
 */
final class FrameCodec {
    /** Buffers up to this size are kept for the next frame; a larger frame's are dropped after it. */
    static final int KEPT_BYTES = 64 * 1024;

    private Encoding encoding = new Encoding();
    private DataOutputStream encoder = new DataOutputStream(encoding);
    private final Decoding decoding = new Decoding();
    private final DataInputStream decoder = new DataInputStream(decoding);
    private byte[] frame = new byte[512];

    /** Writes {@code batch}'s frame to {@code out}: its length, then its content. Not flushed. */
    void write(DataOutputStream out, Batch batch) throws IOException {
        encoding.reset();
        batch.write(encoder);
        out.writeInt(encoding.size());
        encoding.writeTo(out);
        if (encoding.capacity() > KEPT_BYTES) {
            encoding = new Encoding();
            encoder = new DataOutputStream(encoding);
        }
    }

    /** Reads one frame's batch: the length, checked, then the content, read whole and checked to its last byte. */
    Batch read(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 2 || length > PeerFrames.MAX_FRAME_BYTES) {
            throw new IOException("a frame of " + length + " bytes (2 to " + PeerFrames.MAX_FRAME_BYTES + ")");
        }
        byte[] content = length <= frame.length ? frame : new byte[length];
        in.readFully(content, 0, length);
        if (length <= KEPT_BYTES && content != frame) {
            frame = content;
        }
        decoding.reset(content, length);
        try {
            Batch batch = Batch.read(decoder);
            int left = decoding.available();
            if (left != 0) {
                throw new IOException("a frame with " + left + " bytes after its batch");
            }
            return batch;
        } finally {
            decoding.reset(frame, 0); // no reference to a large frame's array outlives its read
        }
    }

    /** A {@link ByteArrayOutputStream} that says how large its buffer has grown. */
    private static final class Encoding extends ByteArrayOutputStream {
        Encoding() {
            super(256);
        }

        int capacity() {
            return buf.length;
        }
    }

    /** A {@link ByteArrayInputStream} pointed at each frame's content in turn. */
    private static final class Decoding extends ByteArrayInputStream {
        Decoding() {
            super(new byte[0]);
        }

        void reset(byte[] content, int length) {
            buf = content;
            pos = 0;
            mark = 0;
            count = length;
        }
    }
}
