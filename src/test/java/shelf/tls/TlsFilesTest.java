package shelf.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;

/** The key folder of a local cluster: what CreateBooks creates, how keys are read back, and what is refused. */
class TlsFilesTest {
    @TempDir
    Path dir;

    private static ClusterConfig twoNodes() throws ConfigException {
        return ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "node.2=node2.example:5002"), "test");
    }

    @Test
    void aLocalClusterGetsACaAKeyPerNodeAnAdminAndAClientOnceAndOwnerOnly() throws Exception {
        TlsFiles files = TlsFiles.under(dir);
        assertEquals(List.of("CA", "node-1", "node-2", "admin", "client"), files.ensureLocalCluster(twoNodes()));
        assertEquals(List.of(), files.ensureLocalCluster(twoNodes()), "keys that exist are kept");

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.dir())));
        for (String key : List.of("ca.key", "node-1.key", "node-2.key", "admin.key", "client.key")) {
            Path file = files.dir().resolve(key);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), key);
            assertTrue(Files.readString(files.dir().resolve(key)).startsWith("-----BEGIN PRIVATE KEY-----"), key);
        }
        KeyMaterial node2 = files.load(Role.NODE, 2);
        assertEquals(Identity.node(2), node2.identity());
        assertTrue(node2.certificate().getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("node2.example")));
        assertEquals(Identity.of(Role.ADMIN, "admin"), files.load(Role.ADMIN, 0).identity());
        assertEquals(Identity.of(Role.CLIENT, "client"), files.load(Role.CLIENT, 0).identity());
        assertTrue(files.load(Role.NODE, 1).daysLeft(Instant.now()) > 800);
        assertEquals("CN=node-1,OU=node,O=Shelf", files.load(Role.NODE, 1).certificate().getSubjectX500Principal().getName());
    }

    @Test
    void aMissingKeySaysWhereItShouldBeAndHowToGetOne() throws Exception {
        TlsFiles files = TlsFiles.under(dir);
        files.ensureLocalCluster(null);
        ConfigException e = assertThrows(ConfigException.class, () -> files.load(Role.NODE, 7));
        assertTrue(e.getMessage().startsWith("no TLS key for node 7: " + files.dir().resolve("node-7.crt") + " not found"),
                e.getMessage());
        assertTrue(e.getMessage().contains("certs node 7"), e.getMessage());
    }

    @Test
    void anExpiredCertificateAndAKeyOfAnotherCertificateAreRefused() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(Duration.ofDays(10));
        Instant now = Instant.now();
        CertifiedKey old = ca.issue(Identity.of(Role.CLIENT, "old"), List.of(), now.minus(Duration.ofDays(3)),
                now.minus(Duration.ofDays(1)));
        KeyMaterial expired = KeyMaterial.of(old, List.of(ca.certificate()), "old.crt");
        ConfigException e = assertThrows(ConfigException.class, () -> expired.requireValid(now));
        assertTrue(e.getMessage().startsWith("old.crt expired on "), e.getMessage());
        assertTrue(expired.daysLeft(now) < 0);

        CertifiedKey other = ca.issue(Identity.of(Role.CLIENT, "other"), List.of(), Duration.ofDays(1));
        e = assertThrows(ConfigException.class, () -> KeyMaterial.of(new CertifiedKey(old.certificate(), other.key()),
                List.of(ca.certificate()), "mixed.crt"));
        assertEquals("mixed.crt: the private key is not the certificate's", e.getMessage());
    }

    @Test
    void identitiesAreReadBackFromCertificatesAndBadNamesAreRefused() {
        CertificateAuthority ca = CertificateAuthority.create(Duration.ofDays(1));
        assertEquals(Identity.node(12), Identity.of(ca.issue(Identity.node(12), List.of("10.0.0.12"), Duration.ofDays(1))
                .certificate()));
        assertThrows(IllegalArgumentException.class, () -> Identity.of(ca.certificate()), "a CA is nobody");
        assertThrows(IllegalArgumentException.class, () -> Identity.of(Role.ADMIN, "a b"));
        assertThrows(IllegalArgumentException.class, () -> new Identity(Role.NODE, "node-3", 5));
        assertEquals("node 3", Identity.node(3).toString());
        assertEquals("client 'alice'", Identity.of(Role.CLIENT, "alice").toString());
    }
}
