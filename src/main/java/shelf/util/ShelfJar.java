package shelf.util;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where {@code shelf.jar} is, to start nodes from it and to name it in the commands Shelf suggests to a user. */
public final class ShelfJar {
    private static final String BUILT = "target/shelf.jar";

    private ShelfJar() {
    }

    /** The jar this code runs from, or the {@code shelf.jar} system property (tests), or {@code target/shelf.jar}. */
    public static Optional<Path> locate() {
        String property = System.getProperty("shelf.jar");
        if (property != null) {
            return Optional.of(Path.of(property).toAbsolutePath());
        }
        try {
            Path location = Path.of(ShelfJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(location)) {
                return Optional.of(location);
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through
        }
        Path built = Path.of(BUILT).toAbsolutePath();
        return Files.isRegularFile(built) ? Optional.of(built) : Optional.empty();
    }

    /**
     * The jar as a user in {@code folder} would type it in a suggested command: relative when it lies under that folder
     * ({@code target/shelf.jar} in the project, {@code shelf.jar} beside a copy), absolute otherwise.
     */
    public static String typed(Path folder) {
        return locate().map(jar -> typed(jar, folder)).orElse(BUILT);
    }

    /** {@link #typed(Path)} of a given jar. */
    static String typed(Path jar, Path folder) {
        Path absoluteJar = jar.toAbsolutePath().normalize();
        Path absoluteFolder = folder.toAbsolutePath().normalize();
        return absoluteJar.startsWith(absoluteFolder) ? absoluteFolder.relativize(absoluteJar).toString()
                : absoluteJar.toString();
    }
}
