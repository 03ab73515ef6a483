package shelf.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.server.UnicastRemoteObject;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLServerSocket;
import shelf.rmi.BoundServerSocketFactory;
import shelf.rmi.TlsClientSocketFactory;
import shelf.tls.KeyMaterial;
import shelf.tls.Role;
import shelf.tls.TlsFiles;

/**
 * What RMI costs a peer call over the bare round trip under it, between two processes, as the nodes' calls are:
 * {@code java -cp target/shelf.jar:target/test-classes shelf.bench.TransportProbe [ROUND_TRIPS]}, run in a cluster's
 * folder (its {@code resources/tls} keys: node 1's for the far end, node 2's for this one). It starts the far end in a
 * JVM of its own, then, round by round, times {@code ROUND_TRIPS} (default 20,000) round trips of a lock cycle's sizes
 * (96 bytes out, 91 back: {@link SocketEcho}'s frames) over one TLS connection with no RMI, and as many RMI calls
 * carrying the same bytes through Shelf's socket factories (TLS 1.3, client certificates).
 */
public final class TransportProbe {
    /** The far end's remote call: bytes in, bytes back. */
    public interface Echo extends Remote {
        byte[] call(byte[] in) throws RemoteException;
    }

    private static final int CALL_BYTES = SocketEcho.CALL_BYTES;
    private static final int ROUNDS = 6;

    private TransportProbe() {
    }

    public static void main(String[] args) throws Exception {
        TlsFiles files = TlsFiles.under(Path.of("resources"));
        if (args.length > 0 && args[0].equals("far-end")) {
            farEnd(files, Path.of(args[1]));
            return;
        }
        int roundTrips = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path stubFile = Files.createTempFile("transport-probe", ".stub");
        Process far = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TransportProbe.class.getName(), "far-end", stubFile.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(far.getInputStream()));
            int port = Integer.parseInt(out.readLine().trim());
            Echo stub;
            try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(stubFile))) {
                stub = (Echo) in.readObject();
            }
            KeyMaterial near = files.load(Role.NODE, 2);
            try (Socket socket = near.context().getSocketFactory().createSocket(
                    InetAddress.getLoopbackAddress().getHostAddress(), port)) {
                socket.setTcpNoDelay(true);
                DataOutputStream o = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
                DataInputStream i = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
                byte[] frame = new byte[CALL_BYTES];
                for (int round = 1; round <= ROUNDS; round++) {
                    long started = System.nanoTime();
                    for (int n = 0; n < roundTrips; n++) {
                        o.writeShort(CALL_BYTES);
                        o.write(frame, 0, CALL_BYTES);
                        o.flush();
                        i.readFully(frame, 0, i.readUnsignedShort());
                    }
                    double bare = (System.nanoTime() - started) / 1e3 / roundTrips;
                    started = System.nanoTime();
                    for (int n = 0; n < roundTrips; n++) {
                        stub.call(frame);
                    }
                    double rmi = (System.nanoTime() - started) / 1e3 / roundTrips;
                    System.out.printf(Locale.US,
                            "round %d: bare TLS round trip %.1f us (%,.0f/s), RMI call %.1f us (%,.0f/s)%n", round,
                            bare, 1e6 / bare, rmi, 1e6 / rmi);
                }
            }
        } finally {
            far.destroy();
            Files.deleteIfExists(stubFile);
        }
        System.exit(0);
    }

    /** The far end: the echo over TLS on a port it prints, and the RMI object whose stub it writes to {@code stubFile}. */
    private static void farEnd(TlsFiles files, Path stubFile) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        System.setProperty("java.rmi.server.hostname", loopback.getHostAddress());
        KeyMaterial far = files.load(Role.NODE, 1);
        byte[] reply = new byte[SocketEcho.REPLY_BYTES];
        Echo echo = in -> reply;
        Echo stub = (Echo) UnicastRemoteObject.exportObject(echo, 0, new TlsClientSocketFactory(files.load(Role.NODE, 2)),
                new BoundServerSocketFactory(loopback, far));
        try (ObjectOutputStream o = new ObjectOutputStream(Files.newOutputStream(stubFile))) {
            o.writeObject(stub);
        }
        ServerSocket listening = far.context().getServerSocketFactory().createServerSocket(0, 5, loopback);
        ((SSLServerSocket) listening).setNeedClientAuth(true);
        System.out.println(listening.getLocalPort());
        System.out.flush();
        while (true) {
            Socket s = listening.accept();
            Thread t = new Thread(() -> SocketEcho.echo(s), "probe-echo");
            t.setDaemon(true);
            t.start();
        }
    }
}
