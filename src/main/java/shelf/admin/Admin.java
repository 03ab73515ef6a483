package shelf.admin;

import java.nio.file.Path;
import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import shelf.api.AdminService;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.config.NodeAddress;
import shelf.rmi.RmiServer;
import shelf.rmi.TimeoutClientSocketFactory;

/**
 * The operator's entry point, for jshell and the admin CLI:
 * {@code shelf.admin.Admin.connect(4).status()}.
 */
public final class Admin {
    private Admin() {
    }

    /** Connects to node {@code id} as listed in {@code ./nodes.properties}. */
    public static AdminService connect(int id) throws ConfigException, RemoteException, NotBoundException {
        return connect(ClusterConfig.load(Path.of(ClusterConfig.DEFAULT_FILE)), id);
    }

    /** Connects to node {@code id} of a configuration. */
    public static AdminService connect(ClusterConfig config, int id) throws RemoteException, NotBoundException {
        NodeAddress address = config.node(id).orElseThrow(() -> new IllegalArgumentException(
                "node " + id + " is not in " + config.source() + " (configured ids: " + config.ids() + ")"));
        RmiServer.useClientTimeouts(config);
        return connect(address.host(), address.port());
    }

    /** Connects to the node whose registry is at {@code host:port}. */
    public static AdminService connect(String host, int port) throws RemoteException, NotBoundException {
        return (AdminService) LocateRegistry.getRegistry(host, port, new TimeoutClientSocketFactory()).lookup(AdminService.NAME);
    }
}
