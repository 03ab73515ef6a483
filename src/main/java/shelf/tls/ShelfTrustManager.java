package shelf.tls;

import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's PKIX checks against the cluster CA (chain, dates, key usage), then Shelf's: the peer's certificate must name
 * a Shelf identity, and a server must be a node whose certificate names the host the client dialled. Called by the JDK
 * during handshakes, on the connection's thread; a failure aborts the handshake with a TLS alert.
 *
 * <p>The host name is checked here, not by the JDK's {@code HTTPS} endpoint identification: that one first loads the
 * JDK's 144 public CA certificates to decide which wildcard rules apply (70 ms of a cold client's start, and of every
 * node's), and Shelf's CA issues neither wildcards nor names to check against a public CA. The rule is RFC 6125's
 * without wildcards: an address dialled must be one of the certificate's IP address entries, a name one of its DNS
 * name entries (letter case aside); the common name is never used.
 */
final class ShelfTrustManager extends X509ExtendedTrustManager {
    /** The kinds of subject alternative name compared (RFC 5280's GeneralName tags). */
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

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

    /** The server's certificate must name {@code host}, the host the client dialled. */
    static void requireHost(X509Certificate certificate, String host) throws CertificateException {
        if (host == null || host.isEmpty()) {
            throw new CertificateException("no host name to check the server's certificate against");
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress address = literal(h);
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new CertificateException("the server's certificate has unreadable alternative names: " + e.getMessage());
        }
        if (names != null) {
            for (List<?> name : names) {
                if (matches(name, h, address)) {
                    return;
                }
            }
        }
        throw new CertificateException("the server's certificate does not name " + host + ", the host dialled");
    }

    private static boolean matches(List<?> name, String host, InetAddress address) {
        int type = (Integer) name.get(0);
        String value = String.valueOf(name.get(1));
        if (address != null) {
            return type == IP_ADDRESS && address.equals(literal(value));
        }
        return type == DNS_NAME && stripDot(value).toLowerCase(Locale.ROOT).equals(stripDot(host).toLowerCase(Locale.ROOT));
    }

    /**
     * The address an IPv4 or IPv6 literal stands for; null for anything else. Only digits, dots, hex digits and colons
     * reach {@link InetAddress#getByName}, which parses such a string and never asks DNS about it.
     */
    private static InetAddress literal(String host) {
        boolean v4 = host.matches("[0-9.]+");
        boolean v6 = host.contains(":") && host.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(host); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static String peerHost(SSLSession handshake) {
        return handshake == null ? null : handshake.getPeerHost();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pkix.checkServerTrusted(chain, authType, socket);
        requireIdentity(chain, true);
        requireHost(chain[0], socket instanceof SSLSocket ssl ? peerHost(ssl.getHandshakeSession()) : null);
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
        requireHost(chain[0], engine == null ? null : engine.getPeerHost());
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
        requireHost(chain[0], null); // no connection, so no host dialled: refused
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
