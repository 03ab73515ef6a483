package shelf.util;

import picocli.CommandLine;

/** {@code --version}: the jar's version. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"Shelf " + (v == null ? "development build" : v) + " on Java " + Runtime.version()};
    }
}
