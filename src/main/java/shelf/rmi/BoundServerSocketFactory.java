package shelf.rmi;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;

/**
 * Server sockets bound to the node's configured address only (127.0.0.1 in a local cluster), so a node
 * is not reachable on other interfaces. Equal factories let the registry and every exported object
 * share the node's one port.
 */
public final class BoundServerSocketFactory implements RMIServerSocketFactory {
    private final InetAddress address;

    public BoundServerSocketFactory(InetAddress address) {
        this.address = address;
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(address, port), 128);
        return socket;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BoundServerSocketFactory f && f.address.equals(address);
    }

    @Override
    public int hashCode() {
        return address.hashCode();
    }
}
