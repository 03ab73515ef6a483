package shelf.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.util.ExitCodes;

/** The shared {@code --config FILE} option. */
public final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE", defaultValue = ClusterConfig.DEFAULT_FILE,
            description = "Cluster configuration (default: ${DEFAULT-VALUE} in the working directory).")
    Path file;

    public ClusterConfig load() {
        try {
            return ClusterConfig.load(file);
        } catch (ConfigException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }
}
