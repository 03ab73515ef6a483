package shelf.rmi;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Bounds the bytes one call may carry into a node, where they enter: the connection's stream, before RMI or the
 * serialization filter sees them. The JEP 290 filter cannot do it: it is never consulted for a String, so its
 * {@code maxbytes} never fires for a call whose only argument is an 8 MB user name, and the node ran out of memory
 * building it.
 *
 * <p>RMI's transport is strictly request-answer on a connection: the caller writes a whole call (or a ping, or a
 * DGC acknowledgement, a few bytes), the node reads it all, then writes its answer. So the bytes read since the node
 * last wrote are the bytes of the current call (plus at most a DGC acknowledgement before it), and bounding them
 * bounds a call without parsing the protocol. A call over the bound fails its read with an {@link IOException}:
 * RMI stops unmarshalling it and answers the caller with that one-line message ("error unmarshalling arguments").
 * To let that answer arrive, the rest of what the caller sends is read and discarded (not kept) until it falls
 * silent for {@link #DRAIN_QUIET_MS} or sent {@link #DRAIN_LIMIT} bytes; then the node ends the connection.
 *
 * <p>Used by one connection's RMI thread; not shared.
 */
final class CallSizeGuard {
    /** How long the rest of a refused call may keep the node reading, in silence, before it hangs up. */
    static final int DRAIN_QUIET_MS = 1_000;
    /** How much of a refused call the node reads and discards at most before it hangs up. */
    static final long DRAIN_LIMIT = 64L << 20;

    private final int maxBytes;
    private final Socket socket;
    private final String address;
    private final Access access;
    private long sinceAnswer;
    private boolean refused;

    /**
     * @param socket the connection (its read timeout is shortened while a refused call is discarded)
     */
    CallSizeGuard(int maxBytes, Socket socket, String address, Access access) {
        this.maxBytes = maxBytes;
        this.socket = socket;
        this.address = address;
        this.access = access;
    }

    /** The connection's input, counting every byte against the current call. */
    InputStream input(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (refused) {
                    return drain(in);
                }
                int n = in.read(b, off, len);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                int chunk = (int) Math.min(Math.max(n, 0), 8192);
                return chunk == 0 ? 0 : Math.max(0, read(new byte[chunk], 0, chunk));
            }
        };
    }

    /** The connection's output: an answer ends the current call. */
    OutputStream output(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                sinceAnswer = 0;
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                sinceAnswer = 0;
                out.write(b, off, len);
            }
        };
    }

    private void count(int n) throws IOException {
        sinceAnswer += n;
        if (sinceAnswer > maxBytes) {
            refused = true;
            String why = "a call of more than " + maxBytes + " bytes (call.max.bytes)";
            access.callTooLarge(address, why);
            throw new IOException(access.me() + " refused " + why);
        }
    }

    /** Reads and discards what the caller still sends of a refused call; then the end of the stream. */
    private int drain(InputStream in) throws IOException {
        socket.setSoTimeout(DRAIN_QUIET_MS);
        byte[] scratch = new byte[8192];
        long drained = 0;
        try {
            int n;
            while (drained < DRAIN_LIMIT && (n = in.read(scratch)) > 0) {
                drained += n;
            }
        } catch (SocketTimeoutException quiet) {
            // the caller sent all of it and waits for the answer it already has
        }
        return -1;
    }
}
