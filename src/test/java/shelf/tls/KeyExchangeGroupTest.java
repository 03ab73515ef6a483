package shelf.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Shelf client offers one key exchange group, P-256 (the curve of its certificates): read from the ClientHello as it
 * goes on the wire. (The JDK reads its groups once per process, when its TLS first needs them; in this test process that
 * is Shelf's own first context, as in every Shelf program.)
 */
@Timeout(30)
class KeyExchangeGroupTest {
    private static final int SUPPORTED_GROUPS = 0x000a;
    private static final int KEY_SHARE = 0x0033;
    private static final int SECP256R1 = 0x0017;

    @Test
    void aClientOffersOnlyTheCurveOfItsCertificates() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(Duration.ofDays(1));
        KeyMaterial client = KeyMaterial.of(ca.issue(Identity.of(Role.CLIENT, "alice"), List.of(), Duration.ofDays(1)),
                List.of(ca.certificate()), "alice");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
            CompletableFuture<Void> hello = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = client.clientSocket(new Socket(loopback, server.getLocalPort()), loopback.getHostAddress(),
                        server.getLocalPort())) {
                    s.startHandshake(); // fails when the stand-in server hangs up: only its ClientHello matters
                } catch (IOException expected) {
                    // the server read what it wanted and closed
                }
            });
            try (Socket accepted = server.accept()) {
                ByteBuffer extensions = clientHelloExtensions(new DataInputStream(accepted.getInputStream()));
                assertEquals(List.of(SECP256R1), groups(extensions, SUPPORTED_GROUPS), "supported_groups");
                assertEquals(List.of(SECP256R1), groups(extensions, KEY_SHARE), "key_share");
            }
            hello.get(10, TimeUnit.SECONDS);
        }
    }

    /** The extensions block of the first handshake message, a ClientHello (RFC 8446 §4.1.2). */
    private static ByteBuffer clientHelloExtensions(DataInputStream in) throws IOException {
        byte[] header = new byte[5];
        in.readFully(header);
        assertEquals(22, header[0], "a handshake record");
        byte[] record = new byte[ByteBuffer.wrap(header, 3, 2).getShort() & 0xffff];
        in.readFully(record);
        ByteBuffer b = ByteBuffer.wrap(record);
        assertEquals(1, b.get(), "a ClientHello");
        b.position(b.position() + 3 + 2 + 32); // its length, legacy_version, random
        skip(b, b.get() & 0xff); // legacy_session_id
        skip(b, b.getShort() & 0xffff); // cipher_suites
        skip(b, b.get() & 0xff); // legacy_compression_methods
        int length = b.getShort() & 0xffff;
        return b.slice(b.position(), length);
    }

    private static void skip(ByteBuffer b, int bytes) {
        b.position(b.position() + bytes);
    }

    /** The groups named in one extension: supported_groups lists them, key_share carries a key for each. */
    private static List<Integer> groups(ByteBuffer extensions, int type) {
        ByteBuffer all = extensions.duplicate();
        while (all.hasRemaining()) {
            int t = all.getShort() & 0xffff;
            int length = all.getShort() & 0xffff;
            ByteBuffer data = all.slice(all.position(), length);
            all.position(all.position() + length);
            if (t == type) {
                List<Integer> groups = new ArrayList<>();
                data.getShort(); // the list's length
                while (data.hasRemaining()) {
                    groups.add(data.getShort() & 0xffff);
                    if (type == KEY_SHARE) {
                        skip(data, data.getShort() & 0xffff); // the key itself
                    }
                }
                return groups;
            }
        }
        throw new AssertionError("no extension " + type + " in the ClientHello");
    }
}
