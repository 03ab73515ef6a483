package shelf.rmi;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.rmi.NoSuchObjectException;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.ExportException;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.api.AdminService;
import shelf.api.LibraryService;
import shelf.api.NodeService;
import shelf.config.ClusterConfig;
import shelf.config.NodeAddress;
import shelf.library.LibraryStore;
import shelf.node.FaultSwitch;
import shelf.node.Node;
import shelf.node.NodeStartException;
import shelf.protocol.Transport;
import shelf.util.ExitCodes;
import shelf.util.Throwables;

/**
 * A node's RMI face: its registry and the three services, all on the node's one configured port
 * (equal server socket factories let them share it), bound under the interfaces' names. Unless {@code tls=off}, every
 * connection is TLS 1.3 with certificates from the cluster CA on both ends ({@link BoundServerSocketFactory}), and
 * each service lets in only the identities {@link Access} allows; the registry refuses remote binds either way.
 */
public final class RmiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RmiServer.class);

    /** How often a running node checks whether its certificate is close to expiry. */
    private static final long EXPIRY_CHECK_HOURS = 6;
    /** How long the handshake a node makes with itself at start may take (it loads and warms the TLS code). */
    private static final int WARM_UP_TIMEOUT_MS = 10_000;
    /** RMI's transport constants (sun.rmi.transport.TransportConstants): what a client sends first, and the answer. */
    private static final int JRMP_MAGIC = 0x4a524d49;
    private static final int JRMP_VERSION = 2;
    private static final int JRMP_STREAM_PROTOCOL = 0x4b;
    private static final int JRMP_PROTOCOL_ACK = 0x4e;

    private final Registry registry;
    private final List<Remote> exported = new ArrayList<>();
    private final String me;
    private final ScheduledExecutorService expiryChecks;

    private RmiServer(Registry registry, String me, Access access) {
        this.registry = registry;
        this.me = me;
        this.expiryChecks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, me.replace(' ', '-') + "-certificate-expiry");
            t.setDaemon(true);
            return t;
        });
        expiryChecks.scheduleAtFixedRate(access::warnIfExpiring, 0, EXPIRY_CHECK_HOURS, TimeUnit.HOURS);
    }

    /** How much longer a client's read waits than the node's own wait: time for the node's answer to reach it. */
    static final long ANSWER_MARGIN_MS = 2_000;

    /**
     * How long past the request timeout a client's (or operator's) socket read waits for an answer. It must outlast
     * the node's own wait, the request timeout plus {@link LibraryServiceImpl#WRITER_GRACE_MS} for a batch already
     * handed to the writer, so that the client hears the node's answer (the outcome, or "unavailable" naming what
     * the node waited for) instead of a bare read timeout that says nothing about whether the operation applied.
     */
    public static final int CLIENT_READ_GRACE_MS = (int) (LibraryServiceImpl.WRITER_GRACE_MS + ANSWER_MARGIN_MS);

    /** The shortest connect timeout a client uses, however short the peers' RPC timeout is. */
    private static final int MIN_CLIENT_CONNECT_MS = 1_000;

    /**
     * A node's outbound calls (to peers) are bounded by the RPC timeout. Each socket wait gets half of it:
     * a call to a peer that stopped answering may first spend one wait on RMI's liveness ping of an idle
     * pooled connection (see {@link PingAnsweringSocket}), then another on a fresh connection's handshake.
     */
    public static void usePeerTimeouts(ClusterConfig config) {
        int half = (int) Math.max(1, config.timings().rpcTimeoutMs() / 2);
        TimeoutClientSocketFactory.setTimeouts(half, half);
    }

    /** A client's or operator's calls: reads wait out the node's own wait and more ({@link #CLIENT_READ_GRACE_MS}). */
    public static void useClientTimeouts(ClusterConfig config) {
        TimeoutClientSocketFactory.setTimeouts((int) Math.max(MIN_CLIENT_CONNECT_MS, config.timings().rpcTimeoutMs()),
                (int) config.timings().requestTimeoutMs() + CLIENT_READ_GRACE_MS);
    }

    /**
     * Creates the registry on the node's port and exports and binds the services: NodeService hands peers' messages
     * to {@code inbox}; LibraryService and AdminService reach the protocol through {@code node}; {@code access} (TLS with
     * the node's keys, or off) decides who may call what. Called once, by the composition root
     * ({@code shelf.server.ShelfNode}), after it chose the node's outbound {@code sockets} ({@link Credentials}).
     * AdminService sets the operator's {@code faults}, which the root put in the way of the node's messages.
     */
    public static RmiServer start(NodeAddress address, ClusterConfig config, Node node, Transport.Inbox inbox,
                                  LibraryStore store, Access access, RMIClientSocketFactory sockets, FaultSwitch faults)
            throws NodeStartException {
        String me = "node " + address.id();
        InetAddress bind;
        try {
            bind = InetAddress.getByName(address.host());
        } catch (UnknownHostException e) {
            throw new NodeStartException(ExitCodes.USAGE,
                    me + ": cannot resolve host '" + address.host() + "' from " + config.source());
        }
        var ssf = new BoundServerSocketFactory(bind, access, config.limits());
        RMIClientSocketFactory csf = sockets;
        RegistryGuard.install();
        Registry registry;
        try {
            registry = LocateRegistry.createRegistry(address.port(), csf, ssf);
        } catch (ExportException e) {
            throw new NodeStartException(ExitCodes.USAGE, me + ": port " + address.port() + " on " + address.host()
                    + " is already in use (is node " + address.id() + " already running?)");
        } catch (RemoteException e) {
            throw new NodeStartException(ExitCodes.USAGE, me + ": cannot listen on " + address + ": " + rootMessage(e));
        }
        RmiServer server = new RmiServer(registry, me, access);
        try {
            NodeServiceImpl peers = new NodeServiceImpl(address.id(), inbox, config.peerFingerprint(), access);
            access.servePeerFrames(peers);
            server.export(NodeService.NAME, peers, address.port(), csf, ssf);
            server.export(LibraryService.NAME, LibraryServiceImpl.create(node, store, config, access),
                    address.port(), csf, ssf);
            server.export(AdminService.NAME, new AdminServiceImpl(node, store, config, csf, access, faults), address.port(),
                    csf, ssf);
        } catch (RemoteException e) {
            server.close();
            throw new NodeStartException(ExitCodes.USAGE, me + ": cannot export services on " + address + ": " + rootMessage(e));
        }
        log.info("{}: registry and services {} listening on {}{}", me, List.of(NodeService.NAME, LibraryService.NAME,
                AdminService.NAME), address, access.enforced() ? ", TLS 1.3 with client certificates" : "");
        if (access.enforced()) {
            warmUp(address, access);
        }
        return server;
    }

    /**
     * One TLS handshake with itself, before the node talks to anyone: the JVM's first handshake loads the TLS classes
     * and runs the elliptic-curve arithmetic interpreted on both ends (200-300 ms here), far slower than a peer's short
     * read timeout allows (a peer would take a starting node for a dead one); after it the JIT has compiled what a
     * handshake needs most, and a peer's first one takes tens of milliseconds. Further handshakes (up to 40 until one
     * took under 15 ms, then up to three while they got quicker) gained a few milliseconds a peer for a core's time
     * that the other starting nodes need: five nodes agreed 0.3 s later with three (BENCHMARKS.md). And a certificate
     * that does not name the node's configured host, which every peer and client would refuse, is named in a warning
     * now, not found later.
     */
    private static void warmUp(NodeAddress address, Access access) {
        long started = System.nanoTime();
        try {
            handshakeWithItself(address, access);
            log.info("{}: TLS ready ({}, valid until {}); a handshake with itself in {} ms", access.me(),
                    access.keys().identity(), access.keys().notAfter(), (System.nanoTime() - started) / 1_000_000);
        } catch (IOException e) {
            log.warn("{}: a TLS handshake with itself at {} failed, so peers and clients will fail too: {}", access.me(),
                    address, AcceptedSocket.reason(e));
        }
    }

    private static void handshakeWithItself(NodeAddress address, Access access) throws IOException {
        try (Socket plain = new Socket()) {
            plain.setTcpNoDelay(true); // as every client socket: each handshake flight goes out at once
            plain.connect(new InetSocketAddress(address.host(), address.port()), WARM_UP_TIMEOUT_MS);
            plain.setSoTimeout(WARM_UP_TIMEOUT_MS);
            SSLSocket tls = access.keys().clientSocket(plain, address.host(), address.port());
            // RMI's own opening (JRMI, version 2, stream protocol), answered once the node has accepted the handshake
            DataOutputStream out = new DataOutputStream(tls.getOutputStream());
            out.writeInt(JRMP_MAGIC);
            out.writeShort(JRMP_VERSION);
            out.writeByte(JRMP_STREAM_PROTOCOL);
            out.flush();
            if (tls.getInputStream().read() != JRMP_PROTOCOL_ACK) {
                throw new IOException("the node did not answer RMI's opening");
            }
            tls.close();
        }
    }

    private void export(String name, Remote service, int port, RMIClientSocketFactory csf, BoundServerSocketFactory ssf)
            throws RemoteException {
        Remote stub = UnicastRemoteObject.exportObject(service, port, csf, ssf, new SerialFilter(me));
        exported.add(service);
        registry.rebind(name, stub);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = Throwables.rootCause(e);
        return t instanceof IOException ? t.getMessage() : t.toString();
    }

    @Override
    public void close() {
        expiryChecks.shutdownNow();
        for (Remote r : exported) {
            try {
                UnicastRemoteObject.unexportObject(r, true);
            } catch (NoSuchObjectException ignored) {
                // already gone
            }
        }
        try {
            UnicastRemoteObject.unexportObject(registry, true);
        } catch (NoSuchObjectException ignored) {
            // already gone
        }
        log.info("{}: services unexported", me);
    }
}
