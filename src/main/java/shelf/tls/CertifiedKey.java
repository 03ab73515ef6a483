package shelf.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A private key and the certificate the cluster CA issued for it. */
public record CertifiedKey(X509Certificate certificate, PrivateKey key) {
    @Override
    public String toString() {
        return "CertifiedKey[" + certificate.getSubjectX500Principal() + "]"; // never the key
    }
}
