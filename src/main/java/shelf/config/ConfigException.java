package shelf.config;

/** A configuration file that cannot be used; the message names the file and, where there is one, the line. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
