package shelf.admin;

import java.nio.file.Path;
import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import shelf.api.AdminService;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.config.NodeAddress;
import shelf.rmi.RmiServer;
import shelf.rmi.Stubs;

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

    /**
     * Connects to node {@code id} of a configuration.
     *
     * @throws ConfigException when the configuration does not list node {@code id}
     */
    public static AdminService connect(ClusterConfig config, int id) throws ConfigException, RemoteException, NotBoundException {
        NodeAddress address = config.require(id);
        RmiServer.useClientTimeouts(config);
        return Stubs.lookup(address, AdminService.class);
    }

    /** Connects to the node whose registry is at {@code host:port}. */
    public static AdminService connect(String host, int port) throws RemoteException, NotBoundException {
        return Stubs.lookup(host, port, AdminService.class);
    }
}
