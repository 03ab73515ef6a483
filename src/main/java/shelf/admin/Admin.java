package shelf.admin;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import shelf.api.AdminService;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.config.NodeAddress;
import shelf.rmi.Credentials;
import shelf.rmi.LongCalls;
import shelf.rmi.RmiServer;
import shelf.rmi.Stubs;
import shelf.tls.Role;

/**
 * The operator's entry point, for jshell and the admin CLI:
 * {@code shelf.admin.Admin.connect(4).status()}. Calls as the admin of {@code ./resources/tls} (the working folder's
 * cluster) unless this process chose other credentials ({@link Credentials}); plaintext if the cluster has
 * {@code tls=off}. The service it returns gives its long calls the time they take ({@link #patient}).
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
        return patient(Stubs.lookup(address, AdminService.class));
    }

    /**
     * Connects to the node whose registry is at {@code host:port}.
     *
     * @throws ConfigException when the admin key of {@code ./resources/tls} is missing (and the process chose no other)
     */
    public static AdminService connect(String host, int port) throws ConfigException, RemoteException, NotBoundException {
        Path file = Path.of(ClusterConfig.DEFAULT_FILE);
        Credentials.chooseIfAbsent(Files.exists(file) ? ClusterConfig.load(file) : null, Role.ADMIN);
        return patient(Stubs.lookup(host, port, AdminService.class));
    }

    /**
     * {@code stub}, with its two long calls allowed the time they are meant to take beyond this JVM's read timeout
     * ({@link LongCalls}): {@code holdLock(millis)} {@code millis} more, {@code lockCycles(count)}
     * {@link AdminService#MS_PER_CYCLE} a cycle more. The read timeout (15 s by default) is for telling a paused node
     * from a busy one; without this, a hold of 20 s ended in "no answer in time" while the node held the lock.
     */
    static AdminService patient(AdminService stub) {
        return (AdminService) Proxy.newProxyInstance(AdminService.class.getClassLoader(), new Class<?>[] {AdminService.class},
                (proxy, method, args) -> {
                    try {
                        long extraMs = extraMs(method, args);
                        return extraMs == 0 ? method.invoke(stub, args)
                                : LongCalls.allowing(extraMs, () -> method.invoke(stub, args));
                    } catch (InvocationTargetException e) {
                        throw e.getCause(); // what the stub threw, as it threw it
                    }
                });
    }

    /** How much longer than a quick call {@code method} may take with {@code args}. */
    private static long extraMs(Method method, Object[] args) {
        return switch (method.getName()) {
            case "holdLock" -> Math.max(0, (long) args[0]);
            case "lockCycles" -> Math.max(0, (int) args[0]) * AdminService.MS_PER_CYCLE;
            default -> 0;
        };
    }
}
