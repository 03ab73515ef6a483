package shelf.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shelf.config.ClusterConfig;
import shelf.config.StoreConfig;
import shelf.library.FileLibraryStore;
import shelf.library.HistoryRecord;
import shelf.library.LibraryFiles;
import shelf.library.StoreException;
import shelf.store.Database;
import shelf.store.PostgresLibrary;
import shelf.store.Stores;
import shelf.util.ExitCodes;
import shelf.util.VersionProvider;

/** {@code shelf store copy}: moves a file library into PostgreSQL. */
@Command(name = "store", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "The library's store (store= in nodes.properties).", subcommands = StoreCommand.Copy.class)
public final class StoreCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code store copy}: the file library's catalogue and whole history, tokens kept, into the configured PostgreSQL. */
    @Command(name = "copy", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Copies the file library in --from into the PostgreSQL library that nodes.properties names.",
                    "The catalogue and the whole history are copied, tokens kept, in one transaction (store=postgresql).",
                    "Refuses to replace a PostgreSQL library that has loan records unless --force, and while the nodes "
                            + "of nodes.properties run, even with --force.",
                    "Stop the nodes first: a node that writes to the file library meanwhile is not copied."})
    static final class Copy implements Callable<Integer> {
        @Option(names = "--from", paramLabel = "DIR", defaultValue = "resources",
                description = "The file library's folder (default ${DEFAULT-VALUE}).")
        Path from;

        @Option(names = "--force", description = "Replace a PostgreSQL library even if it has loan records.")
        boolean force;

        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws IOException {
            ClusterConfig cluster = config.load();
            if (cluster.store().kind() != StoreConfig.Kind.POSTGRESQL) {
                throw new CliException(ExitCodes.USAGE, cluster.source() + " says store=file: name the PostgreSQL library"
                        + " to copy into with store=postgresql, store.url and store.user");
            }
            try {
                Database db = Stores.database(cluster);
                long existing = PostgresLibrary.historyRecords(db);
                if (existing > 0 && !force) {
                    throw new CliException(ExitCodes.REFUSED, "the PostgreSQL library " + db.url() + " has " + existing
                            + " loan records; refusing to replace them (use --force)");
                }
                RunningNodes.refuseCluster(config.file.toAbsolutePath().normalize().getParent(), db.url());
                RunningNodes.refuseNodes(cluster, db.url());
                List<HistoryRecord> history;
                try (FileLibraryStore source = FileLibraryStore.open(from, Clock.systemUTC(), cluster.timings().loanDays(),
                        "store copy")) {
                    history = source.history(null);
                }
                PostgresLibrary.create(db, new LibraryFiles(from).readCatalog(), history);
                System.out.println("Copied " + from + " (" + PostgresLibrary.books(db) + " books, " + history.size()
                        + " history records" + (history.isEmpty() ? "" : ", highest token "
                        + history.get(history.size() - 1).token()) + ") into " + db.url());
                return ExitCodes.OK;
            } catch (StoreException e) {
                throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage());
            }
        }
    }
}
