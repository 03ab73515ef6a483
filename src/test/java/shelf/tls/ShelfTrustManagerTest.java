package shelf.tls;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server host rule: the address or name dialled must be one of the node certificate's alternative names. */
class ShelfTrustManagerTest {
    private static CertificateAuthority ca;

    @BeforeAll
    static void authority() {
        ca = CertificateAuthority.create(Duration.ofDays(1));
    }

    private static X509Certificate node(String... hosts) {
        return ca.issue(Identity.node(1), List.of(hosts), Duration.ofDays(1)).certificate();
    }

    @Test
    void anAddressMustBeOneOfTheCertificatesAddresses() {
        X509Certificate cert = node("127.0.0.1", "shelf-1.example");
        assertDoesNotThrow(() -> ShelfTrustManager.requireHost(cert, "127.0.0.1"));
        CertificateException e = assertThrows(CertificateException.class, () -> ShelfTrustManager.requireHost(cert, "127.0.0.2"));
        assertTrue(e.getMessage().contains("does not name 127.0.0.2"), e.getMessage());
        // an address is never matched against a DNS name that spells it, nor a name against an address
        assertThrows(CertificateException.class, () -> ShelfTrustManager.requireHost(node("shelf-1.example"), "127.0.0.1"));
    }

    @Test
    void ipv6LiteralsCompareAsAddresses() {
        X509Certificate cert = node("::1");
        assertDoesNotThrow(() -> ShelfTrustManager.requireHost(cert, "0:0:0:0:0:0:0:1"));
        assertDoesNotThrow(() -> ShelfTrustManager.requireHost(cert, "[::1]"));
        assertThrows(CertificateException.class, () -> ShelfTrustManager.requireHost(cert, "::2"));
    }

    @Test
    void somethingThatOnlyLooksLikeAnAddressMatchesNothing() {
        X509Certificate cert = node("127.0.0.1", "::1");
        for (String host : new String[] {"127.0.0.1.5", "999.0.0.1", "::1::2", "::1%lo", "g::1"}) {
            assertThrows(CertificateException.class, () -> ShelfTrustManager.requireHost(cert, host), host);
        }
    }

    @Test
    void namesCompareWithoutLetterCaseAndWithoutWildcards() {
        X509Certificate cert = node("Shelf-1.Example");
        assertDoesNotThrow(() -> ShelfTrustManager.requireHost(cert, "shelf-1.example"));
        assertDoesNotThrow(() -> ShelfTrustManager.requireHost(cert, "shelf-1.example."));
        assertThrows(CertificateException.class, () -> ShelfTrustManager.requireHost(cert, "shelf-2.example"));
        assertThrows(CertificateException.class, () -> ShelfTrustManager.requireHost(node("*.example"), "shelf-1.example"));
        // the common name is never a host name
        assertThrows(CertificateException.class, () -> ShelfTrustManager.requireHost(node(), "node-1"));
    }

    @Test
    void withoutAHostDialledNothingPasses() {
        X509Certificate cert = node("127.0.0.1");
        assertThrows(CertificateException.class, () -> ShelfTrustManager.requireHost(cert, null));
        assertThrows(CertificateException.class, () -> ShelfTrustManager.requireHost(cert, ""));
    }
}
