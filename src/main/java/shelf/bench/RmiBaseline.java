package shelf.bench;

import java.net.InetAddress;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import shelf.rmi.BoundServerSocketFactory;
import shelf.rmi.TimeoutClientSocketFactory;
import shelf.rmi.TlsClientSocketFactory;
import shelf.tls.CertificateAuthority;
import shelf.tls.Identity;
import shelf.tls.KeyMaterial;
import shelf.tls.Role;

/**
 * The floor under every figure of {@code bench lock}: an empty RMI call on loopback, on this machine, now, through
 * the socket factories Shelf's own calls use. A lock cycle from a follower is two such calls plus the protocol's
 * work and thread hand-offs, so when this figure moves from one day to the next, the lock figures move with it.
 */
final class RmiBaseline {
    /** The empty remote call. Public: RMI's stub is a proxy of it. */
    public interface Empty extends Remote {
        void call() throws RemoteException;
    }

    private static final class Impl implements Empty {
        @Override
        public void call() {
        }
    }

    private RmiBaseline() {
    }

    /**
     * {@code calls} empty calls after as many unmeasured ones, one at a time from this thread; over TLS 1.3 with a node's
     * and an admin's certificates (from a throw-away CA) when {@code tls}, as the cluster's calls are.
     */
    static Stats measure(int calls, boolean tls) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        if (System.getProperty("java.rmi.server.hostname") == null) {
            System.setProperty("java.rmi.server.hostname", loopback.getHostAddress()); // the stub dials loopback too
        }
        RMIClientSocketFactory csf = new TimeoutClientSocketFactory();
        RMIServerSocketFactory ssf = new BoundServerSocketFactory(loopback);
        if (tls) {
            CertificateAuthority ca = CertificateAuthority.create(Duration.ofDays(1));
            List<X509Certificate> trusted = List.of(ca.certificate());
            KeyMaterial node = KeyMaterial.of(ca.issue(Identity.node(1), List.of(loopback.getHostAddress()), Duration.ofDays(1)),
                    trusted, "bench node");
            KeyMaterial admin = KeyMaterial.of(ca.issue(Identity.of(Role.ADMIN, "bench"), List.of(), Duration.ofDays(1)),
                    trusted, "bench admin");
            csf = new TlsClientSocketFactory(admin);
            ssf = new BoundServerSocketFactory(loopback, node);
        }
        Impl impl = new Impl();
        Empty stub = (Empty) UnicastRemoteObject.exportObject(impl, 0, csf, ssf);
        try {
            for (int i = 0; i < calls; i++) {
                stub.call();
            }
            long[] latencies = new long[calls];
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                long t = System.nanoTime();
                stub.call();
                latencies[i] = System.nanoTime() - t;
            }
            return Stats.of(latencies, (System.nanoTime() - start) / 1e9);
        } finally {
            UnicastRemoteObject.unexportObject(impl, true);
        }
    }
}
