package shelf.rmi;

import java.rmi.NotBoundException;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import shelf.config.NodeAddress;

/**
 * The one place that looks up a node's remote services: dials the node's registry and types the stub.
 *
 * <p>Each service is bound under its interface's simple name, which is also the interface's {@code NAME}
 * constant (DESIGN §2: "the registry names are exactly those interface names"). Called on any thread; a
 * lookup blocks for at most the caller's socket timeouts ({@link TimeoutClientSocketFactory#setTimeouts}).
 * Throws {@link RemoteException} when the node cannot be reached (a {@link java.rmi.ConnectException} when
 * nothing listens, a {@link java.rmi.ConnectIOException} when the TLS handshake fails) and {@link NotBoundException}
 * when the node runs but has not bound the service yet. The stub connects with the credentials of the sockets it
 * was looked up with ({@link Credentials}). The first lookup makes {@link SerialFilter#ANSWERS} the process's
 * serialization filter, so every answer any stub brings is filtered, in every program that calls a node.
 */
public final class Stubs {
    private Stubs() {
    }

    /** The {@code service} stub of {@code node}, with this process's credentials ({@link Credentials#sockets}). */
    public static <T extends Remote> T lookup(NodeAddress node, Class<T> service) throws RemoteException, NotBoundException {
        return lookup(node.host(), node.port(), service, Credentials.sockets());
    }

    /** The {@code service} stub of {@code node}, through {@code sockets} (a node's own, for its peers). */
    public static <T extends Remote> T lookup(NodeAddress node, Class<T> service, RMIClientSocketFactory sockets)
            throws RemoteException, NotBoundException {
        return lookup(node.host(), node.port(), service, sockets);
    }

    /** The {@code service} stub of the node whose registry is at {@code host:port} (jshell's {@code Admin.connect}). */
    public static <T extends Remote> T lookup(String host, int port, Class<T> service) throws RemoteException, NotBoundException {
        return lookup(host, port, service, Credentials.sockets());
    }

    /** The {@code service} stub at {@code host:port} through {@code sockets}: a test calling as a chosen identity. */
    public static <T extends Remote> T lookup(String host, int port, Class<T> service, RMIClientSocketFactory sockets)
            throws RemoteException, NotBoundException {
        SerialFilter.installForAnswers();
        Registry registry = LocateRegistry.getRegistry(host, port, sockets);
        if (!(sockets instanceof TlsClientSocketFactory tls)) {
            return service.cast(registry.lookup(service.getSimpleName()));
        }
        try {
            return service.cast(Credentials.lookingUpWith(tls.keys(), () -> registry.lookup(service.getSimpleName())));
        } catch (RemoteException | NotBoundException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
