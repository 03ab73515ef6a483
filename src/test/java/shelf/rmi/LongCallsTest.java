package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A long call's allowance on a client socket: a loopback "server" answers each byte 600 ms later. */
@Timeout(20)
class LongCallsTest {
    private static final int READ_TIMEOUT_MS = 200;
    private static final int ANSWER_AFTER_MS = 600;
    private ServerSocket listener;

    @BeforeEach
    void listen() throws Exception {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture.runAsync(() -> {
            try (Socket s = listener.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    Thread.sleep(ANSWER_AFTER_MS);
                    out.write(b + 1);
                    out.flush();
                }
            } catch (Exception e) {
                // the test closed its end
            }
        });
    }

    @AfterEach
    void close() throws Exception {
        listener.close();
    }

    private Socket connect() throws Exception {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 1_000);
        plain.setSoTimeout(READ_TIMEOUT_MS);
        return new PingAnsweringSocket(plain);
    }

    private static int ask(Socket s, int b) throws Exception {
        s.getOutputStream().write(b);
        s.getOutputStream().flush();
        return s.getInputStream().read();
    }

    @Test
    void aReadWaitsTheSocketsTimeoutPlusTheRunningLongCallsAllowanceAndOnlyWhileItRuns() throws Exception {
        try (Socket s = connect()) {
            assertEquals(2, (int) LongCalls.allowing(1_000, () -> ask(s, 1)));
            assertEquals(READ_TIMEOUT_MS + 1_000, s.getSoTimeout());
            assertThrows(SocketTimeoutException.class, () -> ask(s, 3)); // the call is over: the socket's own timeout
            assertEquals(READ_TIMEOUT_MS, s.getSoTimeout());
        }
    }

    @Test
    void anAllowanceIsThisThreadsOnlyAndEndsWithTheCallEvenWhenItThrows() throws Exception {
        assertEquals(READ_TIMEOUT_MS, LongCalls.readTimeoutMs(READ_TIMEOUT_MS));
        assertEquals(1_500, (int) LongCalls.allowing(1_000, () -> LongCalls.readTimeoutMs(500)));
        assertEquals(500, (int) LongCalls.allowing(1_000,
                () -> CompletableFuture.supplyAsync(() -> LongCalls.readTimeoutMs(500)).get()));
        assertEquals(0, (int) LongCalls.allowing(1_000, () -> LongCalls.readTimeoutMs(0)), "no timeout stays none");
        assertEquals(Integer.MAX_VALUE, (int) LongCalls.allowing(Long.MAX_VALUE / 2, () -> LongCalls.readTimeoutMs(500)));
        assertThrows(IllegalStateException.class, () -> LongCalls.allowing(1_000, () -> {
            throw new IllegalStateException("the call failed");
        }));
        assertEquals(500, LongCalls.readTimeoutMs(500));
        assertEquals(700, (int) LongCalls.allowing(100, () -> LongCalls.allowing(200, () -> LongCalls.readTimeoutMs(500))));
        assertThrows(IllegalArgumentException.class, () -> LongCalls.allowing(-1, () -> 0));
    }
}
