package shelf.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's PKIX checks against the cluster CA (chain, dates, key usage, and on the client the host name), then
 * Shelf's: the peer's certificate must name a Shelf identity, and a server must be a node. Called by the JDK during
 * handshakes, on the connection's thread; a failure aborts the handshake with a TLS alert.
 */
final class ShelfTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;

    ShelfTrustManager(X509ExtendedTrustManager pkix) {
        this.pkix = pkix;
    }

    private static void requireIdentity(X509Certificate[] chain, boolean server) throws CertificateException {
        Identity who;
        try {
            who = Identity.of(chain[0]);
        } catch (IllegalArgumentException e) {
            throw new CertificateException(e.getMessage());
        }
        if (server && who.role() != Role.NODE) {
            throw new CertificateException("the server presented " + who + "'s certificate, not a node's");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pkix.checkClientTrusted(chain, authType, socket);
        requireIdentity(chain, false);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pkix.checkServerTrusted(chain, authType, socket);
        requireIdentity(chain, true);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pkix.checkClientTrusted(chain, authType, engine);
        requireIdentity(chain, false);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pkix.checkServerTrusted(chain, authType, engine);
        requireIdentity(chain, true);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
        requireIdentity(chain, false);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkServerTrusted(chain, authType);
        requireIdentity(chain, true);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
