package shelf.tls;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import shelf.config.ConfigException;

/**
 * One identity's key material, in memory: its certificate and private key, and the CA certificates it trusts. Builds
 * the TLS 1.3 context both ends of a Shelf connection use: mutual authentication, every peer certificate checked
 * against the cluster CA (chain, validity dates, key usage), and a peer whose certificate names no Shelf identity
 * refused during the handshake. A client also checks that the server is a <em>node</em> and that its certificate
 * names the host it dialled. Thread-safe; the context is built once, on first use.
 */
public final class KeyMaterial {
    static final String PROTOCOL = "TLSv1.3";

    /** The JDK's system property that lists the key exchange groups TLS offers (JDK 17 has no per-context setting). */
    static final String NAMED_GROUPS_PROPERTY = "jdk.tls.namedGroups";

    /**
     * The key exchange group: P-256, the curve of Shelf's certificates. A handshake then runs one curve's arithmetic
     * instead of two (the JDK offers x25519 first), which a cold JVM interprets and its JIT compilers compile only once
     * (BENCHMARKS.md, "One curve"). Used unless the JVM was started with {@code -Djdk.tls.namedGroups}.
     */
    static final String NAMED_GROUP = "secp256r1";

    private final Identity identity;
    private final X509Certificate certificate;
    private final PrivateKey key;
    private final List<X509Certificate> trusted;
    private final String source;
    private volatile SSLContext context;

    private KeyMaterial(Identity identity, X509Certificate certificate, PrivateKey key, List<X509Certificate> trusted,
                        String source) {
        this.identity = identity;
        this.certificate = certificate;
        this.key = key;
        this.trusted = List.copyOf(trusted);
        this.source = source;
    }

    /**
     * Key material from a certificate, its key and the CAs to trust; {@code source} names where it came from in messages.
     *
     * @throws ConfigException when the certificate names no Shelf identity or the key is not the certificate's
     */
    public static KeyMaterial of(CertifiedKey issued, List<X509Certificate> trusted, String source) throws ConfigException {
        Identity identity;
        try {
            identity = Identity.of(issued.certificate());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + e.getMessage());
        }
        if (!matches(issued)) {
            throw new ConfigException(source + ": the private key is not the certificate's");
        }
        return new KeyMaterial(identity, issued.certificate(), issued.key(), trusted, source);
    }

    /** Signs a few bytes with the key and checks the signature with the certificate. */
    static boolean matches(CertifiedKey issued) {
        try {
            byte[] probe = "shelf".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(issued.key());
            s.update(probe);
            byte[] signature = s.sign();
            s.initVerify(issued.certificate().getPublicKey());
            s.update(probe);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public Identity identity() {
        return identity;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public List<X509Certificate> trusted() {
        return trusted;
    }

    /** Where this came from: the certificate's file, for messages. */
    public String source() {
        return source;
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** Whole days from {@code now} until the certificate expires (negative once it has). */
    public long daysLeft(Instant now) {
        return Math.floorDiv(Duration.between(now, notAfter()).toSeconds(), Duration.ofDays(1).toSeconds());
    }

    /**
     * Refuses a certificate that is not valid at {@code now}, with what to do about it.
     *
     * @throws ConfigException naming the file, the dates and the command that issues a new one
     */
    public KeyMaterial requireValid(Instant now) throws ConfigException {
        if (now.isAfter(notAfter())) {
            throw new ConfigException(source + " expired on " + notAfter() + ": issue a new one with 'java -jar shelf.jar certs "
                    + (identity.role() == Role.NODE ? "node " + identity.nodeId() : identity.role().label()) + " --force'");
        }
        if (now.isBefore(certificate.getNotBefore().toInstant())) {
            throw new ConfigException(source + " is not valid before " + certificate.getNotBefore().toInstant()
                    + " (is this machine's clock right?)");
        }
        return this;
    }

    /** TLS over an already connected socket, as the client end: verifies the server is a node at {@code host}. */
    public SSLSocket clientSocket(Socket connected, String host, int port) throws IOException {
        SSLSocket ssl = (SSLSocket) context().getSocketFactory().createSocket(connected, host, port, true);
        SSLParameters p = ssl.getSSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        // the node's certificate must name the host dialled: ShelfTrustManager checks it (not the JDK's "HTTPS" check,
        // which loads the JDK's public CAs into every JVM first)
        ssl.setSSLParameters(p);
        return ssl;
    }

    /** TLS over an accepted socket, as the server end: the client must present a certificate from the cluster CA. */
    public SSLSocket serverSocket(Socket accepted) throws IOException {
        SSLSocket ssl = (SSLSocket) context().getSocketFactory().createSocket(accepted, null, true);
        ssl.setUseClientMode(false);
        SSLParameters p = ssl.getSSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        p.setNeedClientAuth(true);
        ssl.setSSLParameters(p);
        return ssl;
    }

    /** The TLS 1.3 context of this identity, built on first use. */
    public SSLContext context() throws IOException {
        SSLContext c = context;
        if (c == null) {
            synchronized (this) {
                if (context == null) {
                    context = build();
                }
                c = context;
            }
        }
        return c;
    }

    /**
     * Sets {@link #NAMED_GROUPS_PROPERTY} to {@link #NAMED_GROUP} unless the JVM was started with one. The JDK reads it
     * once, when its TLS first needs its groups. Under a SecurityManager whose policy does not allow it (Shelf's
     * {@code security.policy} does), the JDK's groups stay: slower cold handshakes, nothing else.
     */
    static void preferTheCertificatesCurve() {
        try {
            if (System.getProperty(NAMED_GROUPS_PROPERTY) == null) {
                System.setProperty(NAMED_GROUPS_PROPERTY, NAMED_GROUP);
            }
        } catch (SecurityException e) {
            // the policy keeps the JDK's groups: x25519 first, P-256 among the others
        }
    }

    private SSLContext build() throws IOException {
        preferTheCertificatesCurve();
        try {
            KeyStore cas = KeyStore.getInstance("PKCS12");
            cas.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                cas.setCertificateEntry("ca-" + i, trusted.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(cas);
            X509ExtendedTrustManager pkix = null;
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    pkix = x;
                }
            }
            if (pkix == null) {
                throw new GeneralSecurityException("no X.509 trust manager in this JDK");
            }
            SSLContext c = SSLContext.getInstance(PROTOCOL);
            c.init(new KeyManager[] {new SingleKeyManager(key, certificate)}, new TrustManager[] {new ShelfTrustManager(pkix)},
                    new SecureRandom());
            return c;
        } catch (GeneralSecurityException e) {
            throw new IOException(source + ": cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return identity + " (" + source + ")"; // never the key
    }
}
