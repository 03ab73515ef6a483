package shelf.rmi;

import java.io.IOException;
import java.io.Serializable;
import java.net.Socket;
import java.rmi.server.RMIClientSocketFactory;
import shelf.tls.KeyMaterial;

/**
 * TLS 1.3 client sockets with the caller's certificate: a plain connection with this JVM's connect timeout
 * ({@link TimeoutClientSocketFactory#setTimeouts}), TLS layered over it, whose handshake runs when RMI first writes,
 * bounded by the read timeout but never less than {@link TlsClientSocket#MIN_HANDSHAKE_MS}, then
 * {@link PingAnsweringSocket} over the decrypted streams. The server
 * must present a <em>node</em> certificate from the cluster CA naming the host dialled.
 *
 * <p>Shipped inside every stub a TLS node exports, like {@link TimeoutClientSocketFactory}; the key material is
 * not: it is the receiving process's, chosen when the stub arrives ({@link Credentials}: the keys of the registry
 * stub it was looked up with, else the process's). Factories with the same keys are equal, so the registry and the
 * objects of a node share one port and RMI's connection pool; stubs obtained with other keys (a test that calls as
 * several identities) get pools of their own, never a connection authenticated as someone else.
 */
public final class TlsClientSocketFactory implements RMIClientSocketFactory, Serializable {
    private static final long serialVersionUID = 1L;

    private final transient KeyMaterial keys;
    /** Why there are no keys (when {@code keys} is null): said by every connection attempt. */
    private final transient String missing;

    /** A factory that connects with {@code keys}. */
    public TlsClientSocketFactory(KeyMaterial keys) {
        this(keys, null);
    }

    TlsClientSocketFactory(KeyMaterial keys, String missing) {
        this.keys = keys;
        this.missing = missing;
    }

    /** A stub arriving in this process: connect with this process's (or this lookup's) keys. */
    private Object readResolve() {
        return Credentials.forArrivingStub();
    }

    KeyMaterial keys() {
        return keys;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket plain = TimeoutClientSocketFactory.connect(host, port); // a node that is down is told as such first
        try {
            if (keys == null) {
                throw new IOException(missing);
            }
            return new PingAnsweringSocket(new TlsClientSocket(keys.clientSocket(plain, host, port)));
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsClientSocketFactory f && f.keys == keys;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(keys);
    }
}
