package shelf.rmi;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMIServerSocketFactory;
import shelf.config.ConnectionLimits;
import shelf.tls.KeyMaterial;

/**
 * A node's server sockets: bound to the node's configured address only (127.0.0.1 in a local cluster), so a node is
 * not reachable on other interfaces, and, unless {@code tls=off}, speaking TLS 1.3 with client certificates from the
 * cluster CA required. Each accepted connection is an {@link AcceptedSocket}: the handshake runs on the connection's
 * own RMI thread within the handshake timeout ({@link ConnectionLimits}: long enough for a caller whose JVM is cold on a
 * busy machine, short enough that a silent peer holds a thread no longer), the {@link ConnectionGate} decides which
 * connections it keeps, the caller's identity goes to {@link Caller}, and RMI sees no remote
 * address, which makes the registry refuse remote binds (plaintext too). Equal factories (same address and node)
 * let the registry and every exported object share the node's one port.
 */
public final class BoundServerSocketFactory implements RMIServerSocketFactory {
    private final InetAddress address;
    private final Access access;
    private final ConnectionGate gate;

    /** Plaintext server sockets (the benchmark's floor, and nodes with {@code tls=off}). */
    public BoundServerSocketFactory(InetAddress address) {
        this(address, Access.off("rmi"), ConnectionLimits.DEFAULTS);
    }

    /** TLS server sockets presenting {@code keys} (the benchmark's floor over TLS). */
    public BoundServerSocketFactory(InetAddress address, KeyMaterial keys) {
        this(address, Access.tls("rmi", keys), ConnectionLimits.DEFAULTS);
    }

    /** A node's server sockets: TLS with the node's keys unless {@code access} is {@link Access#off}, within {@code limits}. */
    BoundServerSocketFactory(InetAddress address, Access access, ConnectionLimits limits) {
        this.address = address;
        this.access = access;
        this.gate = access.gate(limits);
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        ServerSocket socket = new Listener();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(address, port), 128);
        return socket;
    }

    /**
     * Accepts plain TCP connections and hands RMI each one as an {@link AcceptedSocket}, with TLS layered over it.
     * It never throws for one bad connection: RMI's accept loop sleeps ten seconds after ten failures in five.
     */
    private final class Listener extends ServerSocket {
        Listener() throws IOException {
        }

        @Override
        public Socket accept() throws IOException {
            while (true) {
                Socket plain = super.accept();
                try {
                    KeyMaterial keys = access.keys();
                    Socket socket = keys == null ? plain : keys.serverSocket(plain); // the handshake waits for the first read
                    return new AcceptedSocket(socket, plain, gate, access).admit();
                } catch (IOException | RuntimeException e) {
                    plain.close(); // reset by the caller before it could be wrapped: the next one
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BoundServerSocketFactory f && f.address.equals(address) && f.access == access;
    }

    @Override
    public int hashCode() {
        return address.hashCode() * 31 + System.identityHashCode(access);
    }
}
