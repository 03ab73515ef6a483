package shelf.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLServerSocket;
import shelf.tls.CertificateAuthority;
import shelf.tls.Identity;
import shelf.tls.KeyMaterial;

/**
 * The floor under {@link RmiBaseline}: a round trip over one connection on loopback with no RMI at all, the sizes of a
 * lock cycle's call and reply (a {@code Batch} of a release and a request, {@value #CALL_BYTES} bytes; of a grant,
 * {@value #REPLY_BYTES}), each answered by a thread that blocks on its read, as RMI's connection threads do. Over TLS
 * 1.3 with two nodes' certificates (from a throw-away CA, mutual authentication, as the cluster's) when {@code tls}.
 *
 * <p>Any transport that needs one round trip per lock cycle, RMI or a framing of its own, costs at least this much per
 * cycle: it is the ceiling that issue 19's like-for-like ratio is measured against (BENCHMARKS.md).
 */
final class SocketEcho {
    static final int CALL_BYTES = 96;
    static final int REPLY_BYTES = 91;

    private SocketEcho() {
    }

    /** {@code calls} round trips after as many unmeasured ones, one at a time from this thread. */
    static Stats measure(int calls, boolean tls) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        KeyMaterial server = null;
        KeyMaterial client = null;
        if (tls) {
            CertificateAuthority ca = CertificateAuthority.create(Duration.ofDays(1));
            List<X509Certificate> trusted = List.of(ca.certificate());
            List<String> hosts = List.of(loopback.getHostAddress());
            server = KeyMaterial.of(ca.issue(Identity.node(1), hosts, Duration.ofDays(1)), trusted, "echo node 1");
            client = KeyMaterial.of(ca.issue(Identity.node(2), hosts, Duration.ofDays(1)), trusted, "echo node 2");
        }
        try (ServerSocket listening = tls ? server.context().getServerSocketFactory().createServerSocket(0, 1, loopback)
                : new ServerSocket(0, 1, loopback)) {
            if (listening instanceof SSLServerSocket s) {
                s.setNeedClientAuth(true);
            }
            Thread echo = new Thread(() -> answer(listening), "bench-echo");
            echo.setDaemon(true);
            echo.start();
            try (Socket socket = tls
                    ? client.context().getSocketFactory().createSocket(loopback.getHostAddress(), listening.getLocalPort())
                    : new Socket(loopback, listening.getLocalPort())) {
                socket.setTcpNoDelay(true);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
                DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
                byte[] frame = new byte[Math.max(CALL_BYTES, REPLY_BYTES)];
                for (int i = 0; i < calls; i++) {
                    roundTrip(out, in, frame);
                }
                long[] latencies = new long[calls];
                long start = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    long t = System.nanoTime();
                    roundTrip(out, in, frame);
                    latencies[i] = System.nanoTime() - t;
                }
                return Stats.of(latencies, (System.nanoTime() - start) / 1e9);
            }
        }
    }

    private static void roundTrip(DataOutputStream out, DataInputStream in, byte[] frame) throws IOException {
        out.writeShort(CALL_BYTES);
        out.write(frame, 0, CALL_BYTES);
        out.flush();
        in.readFully(frame, 0, in.readUnsignedShort());
    }

    /** The other end: one connection, answered until it ends. */
    private static void answer(ServerSocket listening) {
        try {
            echo(listening.accept());
        } catch (IOException e) {
            // the listening socket closed before anyone connected: the run failed, and says so itself
        }
    }

    /** Reads each frame of {@code socket} whole and answers it, until the connection ends; then closes it. */
    static void echo(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            byte[] frame = new byte[Math.max(CALL_BYTES, REPLY_BYTES)];
            while (true) {
                in.readFully(frame, 0, in.readUnsignedShort());
                out.writeShort(REPLY_BYTES);
                out.write(frame, 0, REPLY_BYTES);
                out.flush();
            }
        } catch (IOException e) {
            // the measuring side closed the connection: the end of the run
        }
    }
}
