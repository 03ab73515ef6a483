package shelf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shelf.config.ClusterConfig;
import shelf.config.StoreConfig;
import shelf.library.FileLibraryStore;
import shelf.library.FileUserDirectory;
import shelf.library.HistoryRecord;
import shelf.library.LibraryFiles;
import shelf.library.StoreException;
import shelf.library.UserDirectory;
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
                    "Stop the nodes first: a node that writes to the file library meanwhile is not copied.",
                    "With users=postgresql, the users of --users FILE (default: users.json in --from, when there) are "
                            + "copied too, their PIN hashes as they are; a user already in the database is kept."})
    static final class Copy implements Callable<Integer> {
        @Option(names = "--from", paramLabel = "DIR", defaultValue = "resources",
                description = "The file library's folder (default ${DEFAULT-VALUE}).")
        Path from;

        @Option(names = "--force", description = "Replace a PostgreSQL library even if it has loan records.")
        boolean force;

        @Option(names = "--users", paramLabel = "FILE", description = "A users file to copy into the database with "
                + "users=postgresql (default: users.json in --from, when there).")
        Path usersFile;

        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws IOException {
            ClusterConfig cluster = config.load();
            if (cluster.store().kind() != StoreConfig.Kind.POSTGRESQL) {
                throw new CliException(ExitCodes.USAGE, cluster.source() + " says store=file: name the PostgreSQL library"
                        + " to copy into with store=postgresql, store.url and store.user");
            }
            Path users = usersToCopy(cluster);
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
                if (users != null) {
                    copyUsers(cluster, users);
                }
                return ExitCodes.OK;
            } catch (StoreException e) {
                throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage());
            }
        }

        /** The users file to copy with users=postgresql, or null; a --users that cannot be copied is a usage error. */
        private Path usersToCopy(ClusterConfig cluster) {
            if (usersFile != null && !cluster.usersInDatabase()) {
                throw new CliException(ExitCodes.USAGE, "--users: " + cluster.source() + " keeps no users in the database"
                        + " (users=postgresql); nothing copied");
            }
            if (usersFile != null && !Files.isRegularFile(usersFile)) {
                throw new CliException(ExitCodes.USAGE, "--users " + usersFile + ": no such file; nothing copied");
            }
            Path file = usersFile != null ? usersFile : from.resolve("users.json");
            return cluster.usersInDatabase() && Files.isRegularFile(file) ? file : null;
        }

        /** The users of {@code file}, PIN hashes as they are, into the database; those already there are kept. */
        private static void copyUsers(ClusterConfig cluster, Path file) throws StoreException {
            UserDirectory source = new FileUserDirectory(file, new SecureRandom());
            UserDirectory target = Stores.users(cluster, new SecureRandom()).orElseThrow();
            int copied = 0;
            List<String> names = source.names();
            for (String name : names) {
                if (target.add(source.find(name).orElseThrow())) {
                    copied++;
                }
            }
            System.out.println("Copied " + copied + " of " + names.size() + " users from " + file + " into "
                    + target.location() + (copied < names.size() ? " (the others were there already, and kept)" : ""));
        }
    }
}
