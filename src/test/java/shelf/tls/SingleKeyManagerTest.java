package shelf.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

class SingleKeyManagerTest {
    private final KeyPair pair = CertificateAuthority.newKeyPair();
    private final X509Certificate certificate = Mockito.mock(X509Certificate.class);
    private final SingleKeyManager manager = new SingleKeyManager(pair.getPrivate(), certificate);

    @Test
    void offersItsEcKeyToEitherEnd() {
        assertEquals("key", manager.chooseClientAlias(new String[] {"RSA", "EC"}, null, null));
        assertEquals("key", manager.chooseServerAlias("EC", null, null));
        assertArrayEquals(new String[] {"key"}, manager.getServerAliases("EC", null));
        assertSame(pair.getPrivate(), manager.getPrivateKey("key"));
        assertArrayEquals(new X509Certificate[] {certificate}, manager.getCertificateChain("key"));
    }

    @Test
    void offersNothingForAnotherKeyTypeOrAlias() {
        assertNull(manager.chooseClientAlias(new String[] {"RSA"}, null, null));
        assertNull(manager.chooseServerAlias("RSASSA-PSS", null, null));
        assertNull(manager.getClientAliases("RSA", null));
        assertNull(manager.getPrivateKey("other"));
        assertNull(manager.getCertificateChain("other"));
    }
}
