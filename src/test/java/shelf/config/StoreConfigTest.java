package shelf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StoreConfigTest {
    private static ClusterConfig parse(String... settings) throws ConfigException {
        List<String> lines = new ArrayList<>(List.of("node.1=127.0.0.1:5001"));
        lines.addAll(List.of(settings));
        return ClusterConfig.parse(lines, "nodes.properties");
    }

    @Test
    void theLibraryIsInTheSharedFolderUnlessTheFileSaysOtherwise() throws ConfigException {
        assertEquals(StoreConfig.FILE, parse().store());
        assertEquals(StoreConfig.FILE, parse("store=file").store());
    }

    @Test
    void postgresqlTakesAUrlAUserAndAPasswordFileOrVariable() throws ConfigException {
        StoreConfig store = parse("store=postgresql", "store.url=jdbc:postgresql://db.example:5432/shelf?sslmode=verify-full",
                "store.user=shelf", "store.password-file=/etc/shelf/db.password").store();
        assertEquals(new StoreConfig(StoreConfig.Kind.POSTGRESQL, "jdbc:postgresql://db.example:5432/shelf?sslmode=verify-full",
                "shelf", Path.of("/etc/shelf/db.password"), "SHELF_STORE_PASSWORD"), store);
        assertEquals("DB_PW", parse("store=postgresql", "store.url=jdbc:postgresql://h/s", "store.user=u",
                "store.password-env=DB_PW").store().passwordEnv());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "store=mysql|nodes.properties line 2: store must be file or postgresql, got 'mysql'",
        "store.url=jdbc:mysql://h/s|nodes.properties line 2: store.url must be a PostgreSQL JDBC URL like"
                + " jdbc:postgresql://host:5432/shelf, got 'jdbc:mysql://h/s'",
        "store.url=jdbc:postgresql://h/s|nodes.properties: store.url, store.user and store.password-file need"
                + " store=postgresql (the library is in resources/ with store=file, the default)",
        "store=postgresql|nodes.properties: store=postgresql needs store.url (e.g. jdbc:postgresql://db.example:5432/shelf)"
                + " and store.user",
    })
    void aBadStoreSettingIsOneLineNamingIt(String line, String expected) {
        assertEquals(expected, assertThrows(ConfigException.class, () -> parse(line)).getMessage());
    }

    @Test
    void thePasswordIsNeverASetting() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("store.password=hunter2"));
        assertEquals("nodes.properties line 2: the database password is never written in this file: put it in a file"
                + " only you can read and name it with store.password-file, or set SHELF_STORE_PASSWORD", e.getMessage());
    }
}
