package shelf.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
    @TempDir
    Path dir;

    @Test
    void aKeyShelfWroteIsReadByTheJdkAlone() throws Exception {
        PrivateKey key = CertificateAuthority.newKeyPair().getPrivate();
        Path file = dir.resolve("node-1.key");
        Pem.writePrivateKey(file, key);

        PrivateKey read = Pem.pkcs8(Files.readString(file, StandardCharsets.US_ASCII)).orElseThrow();

        assertArrayEquals(key.getEncoded(), read.getEncoded());
        assertArrayEquals(key.getEncoded(), Pem.readPrivateKey(file).getEncoded());
    }

    @Test
    void openSslsEcFormIsLeftToBouncyCastle() throws Exception {
        KeyPair pair = CertificateAuthority.newKeyPair();
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(pair); // "EC PRIVATE KEY", as openssl ecparam -genkey writes it
        }

        assertTrue(text.toString().contains("EC PRIVATE KEY"));
        assertTrue(Pem.pkcs8(text.toString()).isEmpty());
    }

    @Test
    void garbageBetweenTheMarkersIsNoKey() {
        assertTrue(Pem.pkcs8("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n").isEmpty());
        assertTrue(Pem.pkcs8("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").isEmpty());
    }
}
