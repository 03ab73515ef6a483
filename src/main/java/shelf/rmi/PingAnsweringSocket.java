package shelf.rmi;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A client socket that answers RMI's liveness ping itself when the connection has just been used.
 *
 * <p>Before each call on a pooled connection, RMI's TCP transport ({@code sun.rmi.transport.tcp.TCPConnection.isDead})
 * sends a one-byte Ping ({@code 0x52}) and waits for the server's PingAck ({@code 0x53}), unless the connection was
 * used within the last measured ping round trip. That round trip is measured in whole milliseconds, so on loopback it
 * is 0 after the first ping, and from then on <em>every</em> call costs two round trips: four wake-ups of threads in
 * two processes instead of two. Answering it locally saves about 1.5 context switches per library operation under
 * load (BENCHMARKS.md, "The two wake-up cuts").
 *
 * <p>This socket restores the intent: a Ping written at the start of an operation on a connection that received
 * bytes within the last {@link #FRESH_NANOS} is answered from here, and the call follows at once. A connection idle
 * for longer is pinged for real, as before. Answering locally cannot hide a restarted peer: a peer process cannot
 * die and start again within that window, and a peer that died is found out by the call itself (reset or end of
 * stream), just as the real ping would have found it, with the same outcome for the caller: a failed call.
 *
 * <p>It wraps any connected socket, a plain one or a TLS one ({@link TlsClientSocketFactory}): it sees the bytes RMI
 * writes and reads, before encryption and after decryption. Being every client socket's wrapper, it also gives a long
 * call its allowance ({@link LongCalls}): each read waits the socket's own read timeout plus the allowance of the call
 * running on the reading thread, if any.
 */
final class PingAnsweringSocket extends DelegatingSocket {
    /** RMI's transport constants (sun.rmi.transport.TransportConstants). */
    static final int PING = 0x52;
    static final int PING_ACK = 0x53;
    /** How recently the connection must have received bytes for a ping to be answered locally. */
    static final long FRESH_NANOS = 100_000_000L;

    private final long freshNanos;
    private InputStream in;
    private OutputStream out;
    /** A PingAck to hand to the next read, instead of one from the server. */
    private boolean ackPending;
    /** Whether bytes were read since the last write: the next write then starts an operation. */
    private boolean readSinceWrite;
    private long lastReadNanos = Long.MIN_VALUE / 2;

    PingAnsweringSocket(Socket connected) {
        this(connected, FRESH_NANOS);
    }

    /** For tests: how recently the connection must have received bytes for a ping to be answered here. */
    PingAnsweringSocket(Socket connected, long freshNanos) {
        super(connected);
        this.freshNanos = freshNanos;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (in == null) {
            in = new Input(delegate.getInputStream(), delegate.getSoTimeout());
        }
        return in;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        if (out == null) {
            out = new Output(delegate.getOutputStream());
        }
        return out;
    }

    /** True if a write of these bytes is a ping this socket may answer itself. */
    private boolean answerable(byte[] b, int off, int len) {
        return len == 1 && b[off] == PING && readSinceWrite && System.nanoTime() - lastReadNanos < freshNanos;
    }

    private final class Output extends FilterOutputStream {
        Output(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (answerable(b, off, len)) {
                ackPending = true;
                readSinceWrite = false;
                return;
            }
            readSinceWrite = false;
            out.write(b, off, len);
        }
    }

    private final class Input extends FilterInputStream {
        /** The socket's own read timeout, and the one its last read waited (with a long call's allowance). */
        private final int readTimeoutMs;
        private int appliedMs;

        Input(InputStream in, int readTimeoutMs) {
            super(in);
            this.readTimeoutMs = readTimeoutMs;
            this.appliedMs = readTimeoutMs;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ackPending && len > 0) {
                ackPending = false;
                b[off] = (byte) PING_ACK;
                return 1;
            }
            int wanted = LongCalls.readTimeoutMs(readTimeoutMs);
            if (wanted != appliedMs) {
                delegate.setSoTimeout(wanted);
                appliedMs = wanted;
            }
            int n = in.read(b, off, len);
            if (n > 0) {
                readSinceWrite = true;
                lastReadNanos = System.nanoTime();
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return ackPending ? 1 : in.available();
        }
    }
}
