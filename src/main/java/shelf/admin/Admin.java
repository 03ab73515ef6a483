package shelf.admin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import shelf.api.AdminService;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.config.NodeAddress;
import shelf.rmi.Credentials;
import shelf.rmi.RmiServer;
import shelf.rmi.Stubs;
import shelf.tls.Role;

/**
 * The operator's entry point, for jshell and the admin CLI:
 * {@code shelf.admin.Admin.connect(4).status()}. Calls as the admin of {@code ./resources/tls} (the working folder's
 * cluster) unless this process chose other credentials ({@link Credentials}); plaintext if the cluster has
 * {@code tls=off}.
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
     * @throws ConfigException when the configuration does not list node {@code id}, or the admin key is missing
     */
    public static AdminService connect(ClusterConfig config, int id) throws ConfigException, RemoteException, NotBoundException {
        NodeAddress address = config.require(id);
        RmiServer.useClientTimeouts(config);
        Credentials.chooseIfAbsent(config, Role.ADMIN);
        return Stubs.lookup(address, AdminService.class);
    }

    /**
     * Connects to the node whose registry is at {@code host:port}.
     *
     * @throws ConfigException when the admin key of {@code ./resources/tls} is missing (and the process chose no other)
     */
    public static AdminService connect(String host, int port) throws ConfigException, RemoteException, NotBoundException {
        Path file = Path.of(ClusterConfig.DEFAULT_FILE);
        Credentials.chooseIfAbsent(Files.exists(file) ? ClusterConfig.load(file) : null, Role.ADMIN);
        return Stubs.lookup(host, port, AdminService.class);
    }
}
