package shelf.rmi;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.rmi.server.RMIClientSocketFactory;
import shelf.config.NodeAddress;
import shelf.protocol.Batch;

/**
 * One node's connection to a peer for its messages, in {@link PeerFrames}: opened on the first call through the same
 * socket factory RMI uses (TLS and the node's certificate, connect and read timeouts), kept open, one call at a time (the
 * transport's peer never overlaps two). A call that fails closes it; the next call opens a new one.
 */
final class PeerChannel implements AutoCloseable {
    /** The peer hung up on the opening: it does not speak frames (another kind of RMI server, an older Shelf). */
    static final class NotFramed extends IOException {
        private static final long serialVersionUID = 1L;

        NotFramed(NodeAddress address) {
            super("node " + address.id() + " at " + address + " does not speak peer frames");
        }
    }

    /** RMI's own limit for reusing a pooled connection ({@code sun.rmi.transport.connectionTimeout}, 15 s). */
    static final long REUSE_NANOS = 15_000_000_000L;

    private final NodeAddress address;
    private final RMIClientSocketFactory sockets;
    private final FrameCodec frames = new FrameCodec();
    private Socket socket;
    private DataInputStream in;
    private DataOutputStream out;
    private long lastUsedNanos;
    /** The open connection has carried a call: a failure on it may be a dead connection, not a dead peer. */
    private boolean carried;

    PeerChannel(NodeAddress address, RMIClientSocketFactory sockets) {
        this.address = address;
        this.sockets = sockets;
    }

    /**
     * Opens the connection unless it is open.
     *
     * @return the peer's membership fingerprint when this call opened it, else null
     * @throws NotFramed when the peer closed the connection on the opening
     */
    String open() throws IOException {
        if (socket != null) {
            return null;
        }
        Socket s = sockets.createSocket(address.host(), address.port());
        try {
            DataOutputStream o = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 4096));
            DataInputStream i = new DataInputStream(new BufferedInputStream(s.getInputStream(), 4096));
            o.writeInt(PeerFrames.MAGIC);
            o.writeShort(PeerFrames.VERSION);
            o.flush();
            int ack;
            try {
                ack = i.readInt();
            } catch (EOFException e) {
                throw new NotFramed(address);
            }
            if (ack != PeerFrames.ACK) {
                throw new NotFramed(address);
            }
            String membership = i.readUTF();
            socket = s;
            in = i;
            out = o;
            lastUsedNanos = System.nanoTime();
            carried = false;
            return membership;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Sends {@code batch} and returns the peer's answer; on any failure the connection is closed, and the error thrown.
     * As RMI does with its pooled connections, a connection silent for longer than {@link #REUSE_NANOS} is not reused
     * (the peer's node closes idle ones, {@code connection.idle.timeout.ms}), and a reused connection that turns out
     * dead (the peer restarted: its end of the stream, or a reset) is replaced once, at once; one that timed out is not
     * (a paused peer: the transport's own rule for that applies).
     */
    Batch call(Batch batch) throws IOException {
        boolean reused = socket != null && carried;
        if (reused && System.nanoTime() - lastUsedNanos > REUSE_NANOS) {
            close();
            reused = false;
        }
        try {
            return exchange(batch);
        } catch (IOException e) {
            if (!reused || RmiTransport.timedOut(e) || e instanceof NotFramed) {
                throw e;
            }
            return exchange(batch);
        }
    }

    private Batch exchange(Batch batch) throws IOException {
        open();
        try {
            frames.write(out, batch);
            out.flush();
            Batch reply = frames.read(in);
            lastUsedNanos = System.nanoTime();
            carried = true;
            return reply;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a failed connection: nothing more to say
            }
        }
    }
}
