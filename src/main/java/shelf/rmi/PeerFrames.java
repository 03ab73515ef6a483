package shelf.rmi;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Supplier;
import shelf.protocol.Batch;

/**
 * Peer messages in frames of their own, on the node's one port beside RMI: what {@code NodeService.deliver} does, without
 * RMI's call around it. A peer's {@link PeerChannel} opens a connection as RMI would (the same socket factories: TLS with
 * the node's certificate, the same timeouts), and its first bytes are {@link #MAGIC} and {@link #VERSION} instead of RMI's
 * opening. The node answers {@link #ACK} and its membership fingerprint; from then on each request is a frame (a length,
 * then a {@link Batch}'s form, {@link FrameCodec}) answered by one frame (what the node answered the caller while handling it:
 * {@link Replies}). A round trip between two processes cost 41–49 µs this way against 71–83 µs for an RMI call carrying
 * the same bytes (BENCHMARKS.md, "A peer's messages in frames of their own").
 *
 * <p>The frames pass through everything an RMI call passes through on an accepted connection ({@link AcceptedSocket}):
 * the TLS handshake, the connection gate's slot, the caller's identity on the thread, the size bound of one call
 * ({@link CallSizeGuard}, and {@link #MAX_FRAME_BYTES} before anything is allocated), and {@link Handler#deliver} is
 * {@link NodeServiceImpl#deliver}: node certificates only, every message from the node the certificate names. Anything
 * else (a frame too long, a batch its reading refuses, a refused caller) ends the connection; the peer's next call opens
 * a new one. A node that does not speak frames (an RMI server of another kind, a node of an older Shelf) reads the magic
 * as a bad RMI opening and hangs up: the channel then says {@link PeerChannel.NotFramed} and the transport calls
 * {@code NodeService} over RMI instead.
 */
final class PeerFrames {
    /** "SHLF": a peer channel's first four bytes (RMI's are "JRMI"). */
    static final int MAGIC = 0x53484C46;
    /**
     * The frames' version, after the magic: two bytes, as RMI's opening has its version there too. 2: a grant carries
     * the coordinator's full lease as well as its first.
     */
    static final short VERSION = 2;
    /** "SHLA": the node's answer to the opening, before its membership fingerprint. */
    static final int ACK = 0x53484C41;
    /** No frame is longer: a full batch of the largest messages is far below it. */
    static final int MAX_FRAME_BYTES = 1 << 20;

    /** What serves a node's frames: its {@link NodeServiceImpl}. */
    interface Handler {
        /** The node's membership fingerprint, for a caller allowed to ask (a node certificate). */
        String membership();

        /** Handles the caller's batch; returns what the node answered it meanwhile. */
        Batch deliver(Batch batch);
    }

    private PeerFrames() {
    }

    /**
     * The input an accepted connection gives RMI: its first read decides. A peer channel's opening is served right here,
     * on RMI's connection thread, until the peer hangs up (then RMI reads the end of the stream and closes the
     * connection); anything else is handed to RMI untouched, the bytes looked at included.
     *
     * @param out     the connection's output, when a peer channel needs it
     * @param handler the node's frames, or null where no node serves them (the connection is then closed on the magic)
     */
    static InputStream firstRead(InputStream in, Supplier<OutputStream> out, Supplier<Handler> handler, Access access,
                                 String address) {
        return new FilterInputStream(in) {
            private byte[] head;
            private int headAt;
            private boolean decided;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (!decided) {
                    decided = true;
                    head = new byte[4];
                    int n = readHead(head);
                    if (n == 4 && magic(head)) {
                        head = null;
                        OutputStream o;
                        try {
                            o = out.get();
                        } catch (java.io.UncheckedIOException e) {
                            throw e.getCause();
                        }
                        // buffered: a frame's length and its batch come in one read, not one read per byte of the length
                        serve(new DataInputStream(new BufferedInputStream(in, 4096)), o, handler.get(), access, address);
                        return -1;
                    }
                    if (n < 4) {
                        head = java.util.Arrays.copyOf(head, n);
                    }
                }
                if (head != null && headAt < head.length) {
                    int n = Math.min(len, head.length - headAt);
                    System.arraycopy(head, headAt, b, off, n);
                    headAt += n;
                    return n;
                }
                return in.read(b, off, len);
            }

            @Override
            public int available() throws IOException {
                return head != null && headAt < head.length ? head.length - headAt : in.available();
            }

            @Override
            public boolean markSupported() {
                return false;
            }

            /**
             * Reads the first bytes, waiting for more only while they could still be the magic: a caller that sent
             * fewer bytes of something else and waits for an answer gets it (RMI's opening begins with "J").
             */
            private int readHead(byte[] into) throws IOException {
                int n = 0;
                while (n < into.length && prefixOfMagic(into, n)) {
                    int r = in.read(into, n, into.length - n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                }
                return n;
            }
        };
    }

    /** True when the first {@code n} bytes of {@code head} are the first {@code n} of the magic. */
    private static boolean prefixOfMagic(byte[] head, int n) {
        for (int i = 0; i < n; i++) {
            if (head[i] != (byte) (MAGIC >>> (24 - 8 * i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean magic(byte[] head) {
        return ((head[0] & 0xff) << 24 | (head[1] & 0xff) << 16 | (head[2] & 0xff) << 8 | head[3] & 0xff) == MAGIC;
    }

    /** A peer channel, after its magic: the version, the answer, then frame after frame until the peer hangs up. */
    private static void serve(DataInputStream in, OutputStream rawOut, Handler handler, Access access, String address)
            throws IOException {
        if (handler == null) {
            return; // no node serves frames here: the caller falls back to RMI
        }
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(rawOut, 4096));
        FrameCodec frames = new FrameCodec();
        try {
            int version = in.readUnsignedShort();
            if (version != VERSION) {
                access.frameRefused(address, "frames of version " + version + " (this node speaks " + VERSION + ")");
                return;
            }
            out.writeInt(ACK);
            out.writeUTF(handler.membership()); // node certificates only: Access refuses and counts any other
            out.flush();
            while (true) {
                Batch batch;
                try {
                    batch = frames.read(in);
                } catch (EOFException end) {
                    return; // the peer closed its channel
                } catch (IOException e) {
                    if (!(e instanceof java.net.SocketException) && !(e instanceof java.net.SocketTimeoutException)) {
                        access.frameRefused(address, e.getMessage());
                    }
                    return;
                }
                frames.write(out, handler.deliver(batch));
                out.flush();
            }
        } catch (SecurityException | IllegalArgumentException refused) {
            // refused by Access, counted and logged there (a caller without a node certificate, an impostor's message)
        }
    }
}
