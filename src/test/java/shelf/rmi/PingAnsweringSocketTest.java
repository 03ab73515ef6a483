package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A loopback "server" that answers each request byte as RMI's does a ping (0x52 → 0x53) and any other byte
 * with 0x51, recording everything it received; the client side is a {@link PingAnsweringSocket}.
 */
@Timeout(20)
class PingAnsweringSocketTest {
    private static final int CALL = 0x50;
    private static final int RETURN = 0x51;
    private ServerSocket listener;
    private CompletableFuture<byte[]> received;

    @BeforeEach
    void listen() throws Exception {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        received = CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            try (Socket s = listener.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    all.write(b);
                    out.write(b == PingAnsweringSocket.PING ? PingAnsweringSocket.PING_ACK : RETURN);
                    out.flush();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return all.toByteArray();
        });
    }

    @AfterEach
    void close() throws Exception {
        listener.close();
    }

    private Socket connect(long freshNanos) throws Exception {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 1_000);
        return new PingAnsweringSocket(plain, freshNanos);
    }

    /** Writes one byte as RMI does (a one-byte buffer flushed) and returns the byte read back. */
    private static int exchange(Socket s, int b) throws Exception {
        s.getOutputStream().write(new byte[] {(byte) b}, 0, 1);
        s.getOutputStream().flush();
        return s.getInputStream().read();
    }

    @Test
    void aPingRightAfterAReplyIsAnsweredHereAndNeverReachesTheServer() throws Exception {
        try (Socket s = connect(PingAnsweringSocket.FRESH_NANOS)) {
            assertEquals(RETURN, exchange(s, CALL));
            assertEquals(PingAnsweringSocket.PING_ACK, exchange(s, PingAnsweringSocket.PING));
            assertEquals(RETURN, exchange(s, CALL));
        }
        assertArrayEquals(new byte[] {CALL, CALL}, received.get());
    }

    @Test
    void aPingOnAConnectionIdleLongerThanTheWindowGoesToTheServer() throws Exception {
        try (Socket s = connect(0)) {
            assertEquals(RETURN, exchange(s, CALL));
            assertEquals(PingAnsweringSocket.PING_ACK, exchange(s, PingAnsweringSocket.PING));
        }
        assertArrayEquals(new byte[] {CALL, PingAnsweringSocket.PING}, received.get());
    }

    @Test
    void thePingByteInsideAnOperationOrBeforeAnyReplyIsSentAsData() throws Exception {
        try (Socket s = connect(PingAnsweringSocket.FRESH_NANOS)) {
            assertEquals(PingAnsweringSocket.PING_ACK, exchange(s, PingAnsweringSocket.PING)); // nothing read yet
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {CALL}, 0, 1);
            out.write(new byte[] {PingAnsweringSocket.PING}, 0, 1); // a later chunk of the same call
            out.flush();
            assertEquals(RETURN, s.getInputStream().read());
            assertEquals(PingAnsweringSocket.PING_ACK, s.getInputStream().read());
        }
        assertArrayEquals(new byte[] {PingAnsweringSocket.PING, CALL, PingAnsweringSocket.PING}, received.get());
    }
}
