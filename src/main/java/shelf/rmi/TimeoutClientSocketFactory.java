package shelf.rmi;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.rmi.server.RMIClientSocketFactory;

/**
 * Plaintext client sockets (a cluster with {@code tls=off}; {@link TlsClientSocketFactory} otherwise) with a connect
 * timeout and a read timeout, so that a call to a paused (SIGSTOP) peer fails after the timeout instead of hanging.
 *
 * <p>Shipped inside every stub a node exports, so callers use it without configuration. The timeouts
 * are the <em>caller's</em>: each JVM sets them once with {@link #setTimeouts} (a node: its RPC timeout;
 * a client: longer than a node's request timeout). The factory carries no state on the wire, so all
 * instances are equal and the registry and every object share the node's one port and RMI's
 * connection pool.
 */
public final class TimeoutClientSocketFactory implements RMIClientSocketFactory, Serializable {
    private static final long serialVersionUID = 1L;

    private static volatile int connectTimeoutMs = 1_000;
    private static volatile int readTimeoutMs = 15_000;

    /**
     * Sets this JVM's timeouts for every outbound RMI call made through Shelf's stubs. Call before the
     * first RMI call: it also sets RMI's JRMP handshake timeout (read once, when RMI's TCP transport
     * loads), because a stopped process's kernel still accepts connections and the handshake would
     * otherwise wait 60 s for it.
     */
    public static void setTimeouts(int connectMs, int readMs) {
        connectTimeoutMs = connectMs;
        readTimeoutMs = readMs;
        System.setProperty("sun.rmi.transport.tcp.handshakeTimeout", String.valueOf(Math.max(connectMs, readMs)));
    }

    static int connectTimeoutMs() {
        return connectTimeoutMs;
    }

    static int readTimeoutMs() {
        return readTimeoutMs;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return new PingAnsweringSocket(connect(host, port));
    }

    /** A plain TCP connection with this JVM's connect timeout, its reads bounded by the read timeout. */
    static Socket connect(String host, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            socket.setSoTimeout(readTimeoutMs);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimeoutClientSocketFactory;
    }

    @Override
    public int hashCode() {
        return TimeoutClientSocketFactory.class.hashCode();
    }
}
