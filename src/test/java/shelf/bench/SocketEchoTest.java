package shelf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bench lock}'s floor under the floor: round trips over one connection, TLS or plain, each timed. */
class SocketEchoTest {
    @ParameterizedTest(name = "tls {0}")
    @ValueSource(booleans = {true, false})
    void timesEachRoundTrip(boolean tls) throws Exception {
        Stats s = SocketEcho.measure(300, tls);
        assertEquals(300, s.count(), s.toString());
        assertTrue(s.perSecond() > 0 && s.p50() > 0 && s.p50() <= s.max(), s.toString());
    }
}
