package shelf.rmi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import javax.net.ssl.SSLSocket;

/**
 * A caller's TLS socket whose handshake runs on the first use of its streams (on RMI's first write), bounded by at
 * least {@link #MIN_HANDSHAKE_MS} however short the read timeout is, then reads go back to the read timeout. A full
 * handshake is CPU work more than waiting (a few elliptic-curve signatures and checks on each end: about 20 ms between
 * warm JVMs on a two-core machine, ten times that for a cold or busy one), so a peer's short read timeout would take a
 * busy node for a dead one. A node that is really gone refuses the connection at once, and one that is paused is
 * already known to be down from the call that timed out on the connection before.
 */
final class TlsClientSocket extends DelegatingSocket {
    /** The least time a handshake gets. */
    static final int MIN_HANDSHAKE_MS = 1_000;

    private final SSLSocket tls;
    private boolean done;

    TlsClientSocket(SSLSocket tls) {
        super(tls);
        this.tls = tls;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        handshake();
        return tls.getInputStream();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        handshake();
        return tls.getOutputStream();
    }

    private synchronized void handshake() throws IOException {
        if (done) {
            return;
        }
        int readTimeout = tls.getSoTimeout();
        tls.setSoTimeout(readTimeout == 0 ? 0 : Math.max(readTimeout, MIN_HANDSHAKE_MS));
        tls.startHandshake();
        tls.setSoTimeout(readTimeout);
        done = true;
    }
}
