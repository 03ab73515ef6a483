package shelf.bench;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import javax.net.ssl.SSLSocket;
import shelf.tls.KeyMaterial;
import shelf.tls.Role;
import shelf.tls.TlsFiles;

/**
 * Where a cold client's TLS time goes, measured inside one fresh JVM against a running node:
 * {@code java -cp target/shelf.jar:target/test-classes shelf.bench.HandshakeProbe RESOURCES HOST PORT [HANDSHAKES]}.
 * Prints the JVM's start to {@code main}, loading the client's key, building the TLS context, the first mutual TLS 1.3
 * handshake, and each further one on a new connection with the same context (which the JDK resumes with a session
 * ticket, when the node's context issued one).
 */
public final class HandshakeProbe {
    private HandshakeProbe() {
    }

    public static void main(String[] args) throws Exception {
        long mainAt = System.nanoTime();
        Instant started = ProcessHandle.current().info().startInstant().orElseThrow();
        long toMain = java.time.Duration.between(started, Instant.now()).toMillis();
        Path resources = Path.of(args[0]);
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        int handshakes = args.length > 3 ? Integer.parseInt(args[3]) : 3;

        long t = System.nanoTime();
        KeyMaterial keys = TlsFiles.under(resources).load(Role.CLIENT, 0);
        long load = System.nanoTime() - t;
        t = System.nanoTime();
        keys.context();
        long context = System.nanoTime() - t;
        StringBuilder each = new StringBuilder();
        for (int i = 0; i < handshakes; i++) {
            t = System.nanoTime();
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress(host, port), 5_000);
                SSLSocket tls = keys.clientSocket(plain, host, port);
                tls.startHandshake();
            }
            each.append(String.format(Locale.US, " %.1f", (System.nanoTime() - t) / 1e6));
        }
        System.out.printf(Locale.US, "JVM start to main %d ms; key load %.1f ms; TLS context %.1f ms; handshakes (ms):%s;"
                + " main to end %.1f ms%n", toMain, load / 1e6, context / 1e6, each, (System.nanoTime() - mainAt) / 1e6);
    }
}
