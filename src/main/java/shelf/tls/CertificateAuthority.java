package shelf.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's certificate authority: a self-signed EC P-256 certificate and its private key, which signs one
 * certificate per node, per operator and per client. BouncyCastle only builds the certificates; every key is made
 * and every signature computed by the JDK's own providers (BouncyCastle is never registered as a provider).
 *
 * <p>Node certificates may serve and call (server and client authentication) and name the node's host names and
 * addresses; operators' and clients' certificates may only call (client authentication).
 */
public final class CertificateAuthority {
    /** The CA's lifetime when created without one. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** How long an issued certificate is valid unless the operator says otherwise. */
    public static final Duration KEY_VALIDITY = Duration.ofDays(825);
    /** Issued certificates start this long before now, so that a peer's clock a little behind still accepts them. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A CA from its certificate and private key (read from files). */
    public static CertificateAuthority of(X509Certificate certificate, PrivateKey key) {
        return new CertificateAuthority(certificate, key);
    }

    /** A new CA, named with a random suffix so that two clusters' CAs are told apart in messages. */
    public static CertificateAuthority create(Duration validity) {
        KeyPair pair = newKeyPair();
        X500Name name = new X500Name("O=" + Identity.ORGANISATION + ",CN=Shelf cluster CA "
                + HexFormat.of().formatHex(randomBytes(4)));
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(CLOCK_SKEW)),
                    Date.from(now.plus(validity)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create a certificate authority: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    PrivateKey key() {
        return key;
    }

    /** A new key for {@code who}, valid from a few minutes ago for {@code validity}, naming {@code hosts} (nodes). */
    public CertifiedKey issue(Identity who, List<String> hosts, Duration validity) {
        Instant now = Instant.now();
        return issue(who, hosts, now.minus(CLOCK_SKEW), now.plus(validity));
    }

    /** A new key for {@code who}, valid from {@code notBefore} to {@code notAfter} (tests issue expired ones). */
    public CertifiedKey issue(Identity who, List<String> hosts, Instant notBefore, Instant notAfter) {
        KeyPair pair = newKeyPair();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            boolean node = who.role() == Role.NODE;
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(notBefore),
                    Date.from(notAfter), new X500Name(who.subject()), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, node
                            ? new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth,
                                KeyPurposeId.id_kp_clientAuth})
                            : new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            if (!hosts.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, alternativeNames(hosts));
            }
            return new CertifiedKey(sign(b, key), pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + who + ": " + e.getMessage(), e);
        }
    }

    /** Host names as DNS names, IPv4 and IPv6 literals as addresses (what TLS host name checks compare). */
    private static GeneralNames alternativeNames(List<String> hosts) {
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            boolean address = IPV4.matcher(h).matches() || h.contains(":");
            names.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, h));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    /** An EC P-256 key pair from the JDK's provider. */
    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys: " + e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(1, randomBytes(16)).setBit(126).clearBit(127); // positive, 127 bits, never zero
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
