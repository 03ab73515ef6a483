package shelf.bench;

import java.net.InetAddress;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.server.UnicastRemoteObject;
import shelf.rmi.BoundServerSocketFactory;
import shelf.rmi.TimeoutClientSocketFactory;

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

    /** {@code calls} empty calls after as many unmeasured ones, one at a time from this thread. */
    static Stats measure(int calls) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        if (System.getProperty("java.rmi.server.hostname") == null) {
            System.setProperty("java.rmi.server.hostname", loopback.getHostAddress()); // the stub dials loopback too
        }
        Impl impl = new Impl();
        Empty stub = (Empty) UnicastRemoteObject.exportObject(impl, 0, new TimeoutClientSocketFactory(),
                new BoundServerSocketFactory(loopback));
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
