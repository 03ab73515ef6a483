package shelf.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import shelf.util.Texts;

/**
 * Where the library lives, from {@code nodes.properties}: {@code store=file} (the default: the shared {@code resources/}
 * folder) or {@code store=postgresql} with {@code store.url} (a JDBC URL; {@code sslmode} and the like pass through it),
 * {@code store.user}, and the password from {@code store.password-file} (readable by its owner only) or from the
 * environment variable {@code store.password-env} names ({@link #DEFAULT_PASSWORD_ENV} unless set). The password itself
 * is never a setting.
 *
 * @param passwordFile the password file, or null to read {@code passwordEnv}
 */
public record StoreConfig(Kind kind, String url, String user, Path passwordFile, String passwordEnv) {
    /** The environment variable that holds the database password unless {@code store.password-env} names another. */
    public static final String DEFAULT_PASSWORD_ENV = "SHELF_STORE_PASSWORD";
    /** The library in the shared {@code resources/} folder. */
    public static final StoreConfig FILE = new StoreConfig(Kind.FILE, null, null, null, DEFAULT_PASSWORD_ENV);

    /** The kinds of store. */
    public enum Kind {
        /** The shared folder: history.log and catalog.json under resources/. */
        FILE,
        /** A PostgreSQL database that every node reaches. */
        POSTGRESQL
    }

    /** A PostgreSQL store at {@code url} as {@code user}, the password from the default environment variable. */
    public static StoreConfig postgresql(String url, String user) {
        return new StoreConfig(Kind.POSTGRESQL, url, user, null, DEFAULT_PASSWORD_ENV);
    }

    /** The {@code store.*} settings as {@code nodes.properties} gives them, checked as they come. */
    static final class Builder {
        private Kind kind = Kind.FILE;
        private String url;
        private String user;
        private Path passwordFile;
        private String passwordEnv = DEFAULT_PASSWORD_ENV;

        /** True when {@code key} is a store setting (and then it is taken). */
        boolean set(String key, String value, String where) throws ConfigException {
            switch (key) {
                case "store" -> kind = kind(value, where);
                case "store.url" -> url = url(value, where);
                case "store.user" -> user = nonEmpty(key, value, where);
                case "store.password-file" -> passwordFile = path(value, where);
                case "store.password-env" -> passwordEnv = nonEmpty(key, value, where);
                case "store.password" -> throw new ConfigException(where + ": the database password is never written in "
                        + "this file: put it in a file only you can read and name it with store.password-file, or set "
                        + DEFAULT_PASSWORD_ENV);
                default -> {
                    return false;
                }
            }
            return true;
        }

        StoreConfig build(String source) throws ConfigException {
            if (kind == Kind.FILE) {
                if (url != null || user != null || passwordFile != null) {
                    throw new ConfigException(source + ": store.url, store.user and store.password-file need store=postgresql"
                            + " (the library is in resources/ with store=file, the default)");
                }
                return FILE;
            }
            if (url == null || user == null) {
                throw new ConfigException(source + ": store=postgresql needs store.url (e.g. "
                        + "jdbc:postgresql://db.example:5432/shelf) and store.user");
            }
            return new StoreConfig(kind, url, user, passwordFile, passwordEnv);
        }

        private static Kind kind(String value, String where) throws ConfigException {
            return switch (value) {
                case "file" -> Kind.FILE;
                case "postgresql" -> Kind.POSTGRESQL;
                default -> throw new ConfigException(where + ": store must be file or postgresql, got '" + value + "'");
            };
        }

        private static String url(String value, String where) throws ConfigException {
            if (!value.startsWith("jdbc:postgresql:")) {
                throw new ConfigException(where + ": store.url must be a PostgreSQL JDBC URL like"
                        + " jdbc:postgresql://host:5432/shelf, got '" + Texts.visible(value) + "'");
            }
            return value;
        }

        private static String nonEmpty(String key, String value, String where) throws ConfigException {
            if (value.isEmpty()) {
                throw new ConfigException(where + ": " + key + " needs a value");
            }
            return value;
        }

        private static Path path(String value, String where) throws ConfigException {
            try {
                return Path.of(nonEmpty("store.password-file", value, where));
            } catch (InvalidPathException e) {
                throw new ConfigException(where + ": store.password-file is not a valid path: '" + value + "'");
            }
        }
    }
}
