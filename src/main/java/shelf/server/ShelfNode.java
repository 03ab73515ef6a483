package shelf.server;

import java.io.IOException;
import java.nio.file.Path;
import java.rmi.server.RMIClientSocketFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.config.NodeAddress;
import shelf.events.Event;
import shelf.events.EventFileWriter;
import shelf.events.EventFiles;
import shelf.events.EventSink;
import shelf.fencing.FencingToken;
import shelf.library.LibraryStore;
import shelf.library.StoreException;
import shelf.node.EventRecorder;
import shelf.node.FaultSwitch;
import shelf.node.FaultyTransport;
import shelf.node.FileEpochStore;
import shelf.node.NodeCore;
import shelf.node.NodeStartException;
import shelf.node.SerialScheduler;
import shelf.node.StoreWriter;
import shelf.protocol.Message;
import shelf.protocol.Transport;
import shelf.rmi.Access;
import shelf.rmi.Credentials;
import shelf.rmi.RmiServer;
import shelf.rmi.RmiTransport;
import shelf.rmi.TimeoutClientSocketFactory;
import shelf.rmi.TlsClientSocketFactory;
import shelf.store.Stores;
import shelf.tls.CertificateAuthority;
import shelf.tls.Identity;
import shelf.tls.KeyMaterial;
import shelf.tls.Role;
import shelf.tls.TlsFiles;
import shelf.util.ExitCodes;

/**
 * A running node, and the composition root: the only place that wires RMI to the node. It opens the library store,
 * builds the protocol ({@link NodeCore}) on a {@link SerialScheduler} with a {@link StoreWriter}, connects it to
 * the peers through an {@link RmiTransport} behind the operator's faults ({@link FaultyTransport}), and exports the
 * remote services ({@link RmiServer}), which reach the protocol only through {@link shelf.node.Node} and
 * {@link Transport.Inbox}. Started and closed by {@code node} (the CLI) and by tests, on their own thread.
 */
public final class ShelfNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShelfNode.class);
    /**
     * A node numbers its lock requests from the wall clock times this: a restarted node starts above every number its
     * earlier incarnation used unless that one asked for more than this many locks per millisecond of its life.
     */
    private static final long REQUEST_IDS_PER_MS = 1_000;

    private final NodeAddress address;
    private final LibraryStore store;
    private final SerialScheduler scheduler;
    private final StoreWriter writer;
    private final RmiTransport transport;
    private final NodeCore core;
    private final RmiServer server;
    private final EventRecorder events;

    private ShelfNode(NodeAddress address, LibraryStore store, SerialScheduler scheduler, StoreWriter writer,
                      RmiTransport transport, NodeCore core, RmiServer server, EventRecorder events) {
        this.events = events;
        this.address = address;
        this.store = store;
        this.scheduler = scheduler;
        this.writer = writer;
        this.transport = transport;
        this.core = core;
        this.server = server;
    }

    /**
     * Starts node {@code id} of {@code config}, with the library and epochs in {@code resources}.
     *
     * @throws NodeStartException with exit code 2 for configuration or port problems, 1 for the library's files
     */
    public static ShelfNode start(ClusterConfig config, int id, Path resources) throws NodeStartException {
        return start(config, id, resources, null);
    }

    /**
     * Starts node {@code id} as {@link #start(ClusterConfig, int, Path)} does, recording its events in {@code logs}
     * ({@code node-<id>.events.jsonl}) unless the configuration says {@code events=off}; null: no events.
     */
    public static ShelfNode start(ClusterConfig config, int id, Path resources, Path logs) throws NodeStartException {
        NodeAddress address;
        try {
            address = config.require(id);
        } catch (ConfigException e) {
            throw new NodeStartException(ExitCodes.USAGE, e.getMessage());
        }
        System.setProperty("java.rmi.server.hostname", address.host());
        FileEpochStore epochs = FileEpochStore.open(resources, id); // before the library: a bad file changes nothing
        LibraryStore store;
        try {
            store = Stores.openWaiting(config, resources, Clock.systemUTC(), "node " + id);
        } catch (StoreException e) {
            throw new NodeStartException(ExitCodes.REFUSED, "node " + id + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeStartException(ExitCodes.REFUSED, "node " + id + ": stopped while waiting for the library's database");
        }
        FencingToken fence;
        KeyMaterial keys;
        try {
            fence = store.highestToken(); // the first term this node claims lies above it
            keys = nodeKeys(config, id, resources);
        } catch (StoreException e) {
            store.close();
            throw new NodeStartException(ExitCodes.REFUSED, "node " + id + ": " + e.getMessage());
        } catch (NodeStartException e) {
            store.close();
            throw e;
        }
        Access access = keys == null ? Access.off("node " + id) : Access.tls("node " + id, keys);
        RMIClientSocketFactory sockets = keys == null ? new TimeoutClientSocketFactory() : new TlsClientSocketFactory(keys);
        SerialScheduler scheduler = new SerialScheduler(id);
        StoreWriter writer = new StoreWriter(store, id);
        Transport.Inbox[] inbox = new Transport.Inbox[1];
        Transport.Inbox toCore = new Transport.Inbox() {
            @Override
            public void deliver(Message m) {
                inbox[0].deliver(m);
            }

            @Override
            public void unreachable(int peer, Message m) {
                inbox[0].unreachable(peer, m);
            }
        };
        RmiServer.usePeerTimeouts(config);
        RmiTransport transport = new RmiTransport(id, config, sockets, toCore);
        FaultSwitch faults = new FaultSwitch(id, new Random());
        Transport faulty = new FaultyTransport(transport, faults, scheduler, config.timings().rpcTimeoutMs(), toCore);
        long firstRequestId = System.currentTimeMillis() * REQUEST_IDS_PER_MS;
        EventRecorder events = events(config, id, logs);
        NodeCore core = new NodeCore(id, config, scheduler, faulty, epochs, writer, firstRequestId, events);
        inbox[0] = core;
        core.learnLibraryFence(fence);
        core.open(); // START, the run's first event: a peer may call as soon as the node listens
        RmiServer server;
        try { // the core is the Node, and the Inbox behind the operator's faults
            Transport.Inbox peers = FaultyTransport.inbound(transport.hearing(core), faults);
            server = RmiServer.start(address, config, core, peers, store, access, sockets, faults);
        } catch (NodeStartException e) {
            core.stop(); // STOP: the run ended here, not in a crash
            transport.close();
            scheduler.close();
            writer.close();
            events.sink().close();
            store.close();
            throw e;
        }
        if (keys == null) {
            Credentials.usePlaintext();
        } else {
            Credentials.use(keys); // the process's default: stubs that reach it outside a lookup (none today) too
        }
        core.start();
        log.info("node {}: started at {} with peers {}", id, address, config.ids());
        return new ShelfNode(address, store, scheduler, writer, transport, core, server, events);
    }

    /**
     * The node's TLS identity from {@code resources/tls} (issued there from the local CA if the node has no key yet and
     * the CA key is at hand), or, with {@code tls=off}, none, announced loudly.
     */
    private static KeyMaterial nodeKeys(ClusterConfig config, int id, Path resources) throws NodeStartException {
        String me = "node " + id;
        if (!config.tls()) {
            log.warn("{}: TLS IS OFF (tls=off in {}): connections are plaintext and nobody is authenticated; anyone who can"
                    + " reach {} can crash this node, hold the cluster lock and forge protocol messages", me, config.source(),
                    config.node(id).orElseThrow());
            return null;
        }
        TlsFiles files = TlsFiles.under(resources);
        try {
            if (!files.has(Role.NODE, id) && files.hasCa()) {
                files.issue(files.loadCa(), Identity.node(id), TlsFiles.hostsOf(config.require(id), List.of()),
                        CertificateAuthority.KEY_VALIDITY);
                log.info("{}: issued its TLS key {} from the local CA {}", me, files.certificate(Role.NODE, id), files.caKey());
            }
            KeyMaterial keys = files.load(Role.NODE, id).requireValid(Instant.now());
            if (TlsFiles.readableByOthers(files.key(Identity.node(id)))) {
                log.warn("{}: {} may be read by other users: chmod 600 it", me, files.key(Identity.node(id)));
            }
            return keys;
        } catch (ConfigException e) {
            throw new NodeStartException(ExitCodes.USAGE, me + ": " + e.getMessage());
        } catch (IOException e) {
            throw new NodeStartException(ExitCodes.USAGE, me + ": cannot write its TLS key in " + files.dir() + ": "
                    + e.getMessage());
        }
    }

    /** The node's event recorder: into its events file, or off (events=off, no logs folder, or a file it cannot open). */
    private static EventRecorder events(ClusterConfig config, int id, Path logs) {
        if (logs == null || !config.events().on()) {
            return EventRecorder.off(id, config.ids());
        }
        Path file = EventFiles.current(logs, id);
        try {
            Optional<Event> last = EventFiles.last(file, id);
            EventSink sink = new EventFileWriter("node " + id, file, config.events().maxBytes());
            return new EventRecorder(id, config.ids(), sink, System::currentTimeMillis, last);
        } catch (IOException e) {
            log.warn("node {}: cannot open its events file {} ({}); it runs without events", id, file, e.toString());
            return EventRecorder.off(id, config.ids());
        }
    }

    public NodeCore core() {
        return core;
    }

    public NodeAddress address() {
        return address;
    }

    @Override
    public void close() {
        log.info("node {}: stopping", address.id());
        core.stop();
        server.close();
        transport.close();
        scheduler.close();
        events.sink().close();
        writer.close();
        store.close();
    }
}
