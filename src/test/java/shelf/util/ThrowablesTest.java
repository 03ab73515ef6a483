package shelf.util;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.rmi.UnmarshalException;
import org.junit.jupiter.api.Test;

class ThrowablesTest {
    @Test
    void theRootCauseIsTheInnermost() {
        SocketTimeoutException timeout = new SocketTimeoutException("Read timed out");
        UnmarshalException rmi = new UnmarshalException("error unmarshalling return", new IOException(timeout));
        assertSame(timeout, Throwables.rootCause(rmi));
        assertSame(timeout, Throwables.rootCause(timeout));
    }

    @Test
    void aChainThatLoopsEnds() {
        IllegalStateException a = new IllegalStateException("a");
        IllegalArgumentException b = new IllegalArgumentException("b", a);
        a.initCause(b);
        Throwable root = Throwables.rootCause(a);
        assertSame(a, root);
    }
}
