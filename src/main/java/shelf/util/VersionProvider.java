package shelf.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** {@code --version}: Shelf's version, from the pom (Maven writes it into {@code shelf/version.properties}). */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"Shelf " + version() + " on Java " + Runtime.version()};
    }

    /** The pom's version, e.g. {@code 0.1.0}; "unknown" only when the classes were built without Maven. */
    public static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("/shelf/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
