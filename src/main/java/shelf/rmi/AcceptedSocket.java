package shelf.rmi;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLSocket;
import shelf.tls.Identity;
import shelf.tls.Role;

/**
 * A connection a node accepted, as RMI's transport sees it. Four things differ from the socket underneath:
 * <ol>
 * <li>With TLS, the handshake runs on the first use of the streams, on the connection's own RMI thread (never on the
 * accept loop), bounded by a handshake timeout: a silent or plaintext peer cannot hold the thread. A failure is
 * counted and logged, rate-limited ({@link Access#handshakeFailed}), and the connection closed.</li>
 * <li>Each read sets the thread's {@link Caller} to the certificate's identity: RMI reads a call and runs it on the
 * same thread, so the service that runs it reads its caller exactly.</li>
 * <li>It reports no remote address ({@link #getInetAddress} is null). RMI's transport then takes the client host to be
 * {@code 0.0.0.0}, and the JDK's registry ({@code sun.rmi.registry.RegistryImpl.checkAccess}, JDK 17) refuses every
 * remote {@code bind}, {@code rebind} and {@code unbind} from the "any" address ("Registry.rebind disallowed; origin
 * unknown") before it reads their arguments, while {@code lookup} and {@code list} still work, and the node's own
 * in-process binds at start (not remote calls) still succeed. So once a node has bound its services, nobody can
 * replace or remove them, with or without a certificate. The real address is kept for logs.</li>
 * <li>It is bounded ({@link shelf.config.ConnectionLimits}): the {@link ConnectionGate} keeps it while it opens and gives
 * it an open slot once its caller is known (a node certificate may use the peers' slots); until then its reads wait
 * the handshake timeout (with tls=off, RMI's opening must arrive within it), then at most the idle timeout (RMI's own
 * is two hours); and each call's bytes are counted ({@link CallSizeGuard}).</li>
 * </ol>
 */
final class AcceptedSocket extends DelegatingSocket {
    /** The node whose connection this thread last read a call from (for {@link RegistryGuard}). */
    private static final ThreadLocal<Access> SERVING = new ThreadLocal<>();

    private final SSLSocket tls;
    /** The TCP connection under TLS (or the one RMI uses): closing it fails a handshake in progress at once. */
    private final Socket plain;
    private final String address;
    private final Access access;
    private final ConnectionGate gate;
    private final CallSizeGuard callSize;
    private final long acceptedNanos = System.nanoTime();
    private Caller caller;
    private IOException refused;
    private InputStream in;
    private OutputStream out;
    /** The read timeout RMI asked for (it sets its own, two hours by default, before it reads). */
    private int rmiTimeoutMs;
    /** Whether the connection finished opening and holds one of the gate's open slots (a peer's, if {@code peer}). */
    private boolean open;
    private boolean peer;
    private boolean closed;

    /**
     * @param socket the socket RMI uses: a TLS socket layered over {@code plain} in server mode, or {@code plain}
     * @param plain  the accepted TCP connection
     */
    AcceptedSocket(Socket socket, Socket plain, ConnectionGate gate, Access access) {
        super(socket);
        this.tls = socket instanceof SSLSocket s ? s : null;
        this.plain = plain;
        InetAddress peer = plain.getInetAddress();
        this.address = peer == null ? "?" : peer.getHostAddress();
        this.access = access;
        this.gate = gate;
        this.callSize = new CallSizeGuard(gate.limits().maxCallBytes(), socket, address, access);
    }

    /** Starts the opening: reads wait at most the handshake timeout until the caller is known; the gate keeps it. */
    AcceptedSocket admit() throws IOException {
        delegate.setSoTimeout((int) gate.limits().handshakeTimeoutMs());
        gate.accepted(this);
        return this;
    }

    String address() {
        return address;
    }

    long ageMs() {
        return (System.nanoTime() - acceptedNanos) / 1_000_000;
    }

    @Override
    public InetAddress getInetAddress() {
        return null; // see the class comment: this is what keeps remote processes from rebinding the registry
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return null;
    }

    /** RMI's read timeout, capped by the idle timeout once open; while opening, the handshake timeout stays. */
    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
        rmiTimeoutMs = timeout;
        if (open) {
            delegate.setSoTimeout(openTimeoutMs());
        }
    }

    @Override
    public synchronized int getSoTimeout() {
        return rmiTimeoutMs;
    }

    private int openTimeoutMs() {
        int idle = (int) gate.limits().idleTimeoutMs();
        return rmiTimeoutMs == 0 ? idle : Math.min(rmiTimeoutMs, idle);
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        handshake();
        if (in == null) {
            in = PeerFrames.firstRead(new CallerInput(callSize.input(delegate.getInputStream())), this::outputForFrames,
                    access::peerFrames, access, address);
        }
        return in;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        handshake();
        if (out == null) {
            out = new OpeningOutput(callSize.output(delegate.getOutputStream()));
        }
        return out;
    }

    /** The connection's output for a peer channel ({@link PeerFrames}), which answers on RMI's thread. */
    private OutputStream outputForFrames() {
        try {
            return getOutputStream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs the TLS handshake once, bounded by the handshake timeout, and learns the caller's identity. */
    private synchronized void handshake() throws IOException {
        if (refused != null) {
            throw refused;
        }
        if (tls == null || caller != null) {
            return;
        }
        try {
            tls.startHandshake();
            caller = new Caller(Identity.of((X509Certificate) tls.getSession().getPeerCertificates()[0]), address);
        } catch (IOException | RuntimeException e) {
            refused = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            if (closedByPeer(e)) {
                access.handshakeAbandoned(address, reason(e));
            } else {
                access.handshakeFailed(address, "TLS handshake failed: " + reason(e));
            }
            closeQuietly();
            throw refused;
        }
        opened(caller.identity().role() == Role.NODE);
    }

    /** The caller is known: takes an open slot of the gate (or closes), and from now on reads wait the idle timeout. */
    private synchronized void opened(boolean node) throws IOException {
        if (!gate.opened(this, node)) {
            refused = new IOException(access.me() + " has no connection slot left");
            closeQuietly();
            throw refused;
        }
        open = true;
        peer = node;
        delegate.setSoTimeout(openTimeoutMs());
    }

    /**
     * True when the peer hung up during the handshake rather than failing it: a caller that gave up waiting (a node
     * starting on a busy machine) or walked away. Nothing was refused, so it is not a refusal to count or warn about.
     */
    static boolean closedByPeer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof java.io.EOFException || t instanceof java.net.SocketException // reset, broken pipe
                    || m.contains("Remote host terminated the handshake")) {
                return true;
            }
        }
        return false;
    }

    /** What went wrong in a handshake, in a few words. */
    static String reason(Throwable e) {
        if (e instanceof SocketTimeoutException) {
            return "no handshake within the timeout (a silent peer)";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = String.valueOf(root.getMessage());
        if (root instanceof java.security.cert.CertificateExpiredException) {
            return "an expired certificate (" + m + ")";
        }
        if (root instanceof java.security.cert.CertPathBuilderException) {
            return "a certificate this cluster's CA did not sign (" + m + ")";
        }
        if (m.contains("Unsupported or unrecognized SSL message")) {
            return "not TLS (a plaintext client?)";
        }
        if (m.contains("Empty client certificate chain") || m.contains("Empty server certificate chain")) {
            return "no client certificate";
        }
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    /**
     * Closes the connection under RMI's feet: its thread's read fails at once (closing the TLS socket instead would
     * wait for a handshake in progress). The slot is given back by {@link #close}, which RMI calls then.
     */
    void closeQuietly() {
        try {
            plain.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    @Override
    public void close() throws IOException {
        Caller c;
        synchronized (this) {
            c = caller;
            if (!closed) {
                closed = true;
                gate.closed(this, open, peer);
            }
        }
        if (c != null) {
            Caller.clear(c);
        }
        delegate.close();
    }

    private void markServing() {
        Caller.set(caller);
        SERVING.set(access);
    }

    /** The access of the node whose connection the current thread serves, or null off RMI's connection threads. */
    static Access serving() {
        return SERVING.get();
    }

    /** With tls=off, the connection is open once RMI answers the caller's opening: its first write. */
    private final class OpeningOutput extends FilterOutputStream {
        OpeningOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            openOnFirstWrite();
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            openOnFirstWrite();
            out.write(b, off, len);
        }

        private void openOnFirstWrite() throws IOException {
            synchronized (AcceptedSocket.this) {
                if (!open) {
                    opened(false);
                }
            }
        }
    }

    /** Marks each read's thread as serving this connection's caller. */
    private final class CallerInput extends FilterInputStream {
        CallerInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            markServing();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            markServing();
            return in.read(b, off, len);
        }
    }
}
