package shelf.rmi;

import java.rmi.NotBoundException;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.server.RMIClientSocketFactory;
import shelf.config.NodeAddress;

/**
 * The one place that looks up a node's remote services: dials the node's registry and types the stub.
 *
 * <p>Each service is bound under its interface's simple name, which is also the interface's {@code NAME}
 * constant (DESIGN §2: "the registry names are exactly those interface names"). Called on any thread; a
 * lookup blocks for at most the caller's socket timeouts ({@link TimeoutClientSocketFactory#setTimeouts}).
 * Throws {@link RemoteException} when the node cannot be reached (a {@link java.rmi.ConnectException} when
 * nothing listens) and {@link NotBoundException} when the node runs but has not bound the service yet.
 */
public final class Stubs {
    private static final TimeoutClientSocketFactory SOCKETS = new TimeoutClientSocketFactory();

    private Stubs() {
    }

    /** The {@code service} stub of {@code node}, through Shelf's client sockets with timeouts. */
    public static <T extends Remote> T lookup(NodeAddress node, Class<T> service) throws RemoteException, NotBoundException {
        return lookup(node.host(), node.port(), service, SOCKETS);
    }

    /** The {@code service} stub of {@code node}, through {@code sockets} (a node's own, for its peers). */
    public static <T extends Remote> T lookup(NodeAddress node, Class<T> service, RMIClientSocketFactory sockets)
            throws RemoteException, NotBoundException {
        return lookup(node.host(), node.port(), service, sockets);
    }

    /** The {@code service} stub of the node whose registry is at {@code host:port} (jshell's {@code Admin.connect}). */
    public static <T extends Remote> T lookup(String host, int port, Class<T> service) throws RemoteException, NotBoundException {
        return lookup(host, port, service, SOCKETS);
    }

    private static <T extends Remote> T lookup(String host, int port, Class<T> service, RMIClientSocketFactory sockets)
            throws RemoteException, NotBoundException {
        return service.cast(LocateRegistry.getRegistry(host, port, sockets).lookup(service.getSimpleName()));
    }
}
