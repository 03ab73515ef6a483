package shelf.rmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.tls.KeyMaterial;
import shelf.tls.Role;
import shelf.tls.TlsFiles;

/** A one-shot program's key, read ahead while picocli reads its command line: used only when it is the key asked for. */
class CredentialsTest {
    @TempDir
    Path dir;

    @AfterEach
    void plaintextAgain() {
        Credentials.usePlaintext(); // the choice is the process's: leave none of this test's keys to the next
    }

    private ClusterConfig config(boolean tls) throws ConfigException {
        return ClusterConfig.parse(List.of("node.1=127.0.0.1:5001", "tls=" + (tls ? "on" : "off")), "test.properties");
    }

    private Path resources() throws Exception {
        Path resources = dir.resolve("resources");
        TlsFiles.under(resources).ensureLocalCluster(config(true));
        return resources;
    }

    private static void deleteClientKey(Path resources) throws Exception {
        Files.delete(resources.resolve("tls").resolve("client.key"));
    }

    @Test
    void theKeyReadAheadIsTheOneChosen() throws Exception {
        Path resources = resources();
        KeyMaterial ahead = Credentials.prepare(resources, Role.CLIENT).get();

        Credentials.choose(config(true), Role.CLIENT, resources);

        assertSame(ahead, ((TlsClientSocketFactory) Credentials.sockets()).keys());
    }

    @Test
    void aKeyChangedSinceItWasReadAheadIsReadAgain() throws Exception {
        Path resources = resources();
        KeyMaterial ahead = Credentials.prepare(resources.resolve("..").resolve("resources"), Role.CLIENT).get();
        Credentials.choose(config(true), Role.CLIENT, resources); // the same folder, spelled otherwise
        assertSame(ahead, ((TlsClientSocketFactory) Credentials.sockets()).keys());
        Credentials.prepare(resources, Role.CLIENT).get();
        Files.writeString(resources.resolve("tls").resolve("client.key"), "not a key\n");

        ConfigException e = assertThrows(ConfigException.class, () -> Credentials.choose(config(true), Role.CLIENT, resources));
        assertTrue(e.getMessage().contains("client.key"), e.getMessage());
    }

    @Test
    void theSameKeyChosenAgainIsTheSameKeyMaterialSoItsPooledConnectionsServeAgain() throws Exception {
        Path resources = resources();
        Credentials.choose(config(true), Role.CLIENT, resources);
        KeyMaterial first = ((TlsClientSocketFactory) Credentials.sockets()).keys();

        Credentials.choose(config(true), Role.CLIENT, resources.resolve("..").resolve("resources"));

        assertSame(first, ((TlsClientSocketFactory) Credentials.sockets()).keys());
        assertEquals(Credentials.sockets(), Credentials.sockets()); // RMI pools connections by this factory
    }

    @Test
    void aKeyChangedOrRemovedSinceItWasChosenIsReadAgain() throws Exception {
        Path resources = resources();
        Credentials.choose(config(true), Role.CLIENT, resources);
        Files.writeString(resources.resolve("tls").resolve("client.key"), "not a key\n");

        ConfigException e = assertThrows(ConfigException.class, () -> Credentials.choose(config(true), Role.CLIENT, resources));
        assertTrue(e.getMessage().contains("client.key"), e.getMessage());

        Path other = dir.resolve("other").resolve("resources");
        TlsFiles.under(other).ensureLocalCluster(config(true));
        Credentials.choose(config(true), Role.CLIENT, other);
        deleteClientKey(other);
        e = assertThrows(ConfigException.class, () -> Credentials.choose(config(true), Role.CLIENT, other));
        assertTrue(e.getMessage().startsWith("no TLS key for client: "), e.getMessage());
    }

    @Test
    void anotherRoleOrFolderIsReadAgain() throws Exception {
        Path resources = resources();
        Credentials.prepare(resources, Role.ADMIN).get();
        deleteClientKey(resources);

        ConfigException e = assertThrows(ConfigException.class, () -> Credentials.choose(config(true), Role.CLIENT, resources));
        assertTrue(e.getMessage().startsWith("no TLS key for client: "), e.getMessage());
    }

    @Test
    void aReadThatFailedIsMadeAgainAndReportsItsOwnError() throws Exception {
        Path resources = dir.resolve("resources");
        String without = assertThrows(ConfigException.class,
                () -> Credentials.choose(config(true), Role.CLIENT, resources)).getMessage();
        assertThrows(ExecutionException.class, () -> Credentials.prepare(resources, Role.CLIENT).get());

        String with = assertThrows(ConfigException.class, () -> Credentials.choose(config(true), Role.CLIENT, resources))
                .getMessage();

        assertEquals(without, with);
        Credentials.prepare(resources, Role.CLIENT);
        resources(); // the keys appear after the read ahead failed: the choice reads them
        Credentials.choose(config(true), Role.CLIENT, resources);
        assertInstanceOf(TlsClientSocketFactory.class, Credentials.sockets());
    }

    @Test
    void withTlsOffTheKeyReadAheadIsDropped() throws Exception {
        Path resources = resources();
        Credentials.prepare(resources, Role.CLIENT).get();

        Credentials.choose(config(false), Role.CLIENT, resources);

        assertInstanceOf(TimeoutClientSocketFactory.class, Credentials.sockets());
        deleteClientKey(resources);
        assertThrows(ConfigException.class, () -> Credentials.choose(config(true), Role.CLIENT, resources),
                "the read ahead was dropped with the plaintext choice, not kept for a later one");
    }
}
