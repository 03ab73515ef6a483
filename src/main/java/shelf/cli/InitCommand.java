package shelf.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.config.StoreConfig;
import shelf.library.LibraryFiles;
import shelf.library.SampleCatalog;
import shelf.library.StoreException;
import shelf.store.Database;
import shelf.store.PostgresLibrary;
import shelf.store.Stores;
import shelf.tls.TlsFiles;
import shelf.util.ExitCodes;
import shelf.util.VersionProvider;

/** {@code CreateBooks} / {@code shelf init}: writes a fresh library. */
@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Writes a fresh library of N real books (ids 1..N) under resources/.",
                "Refuses to erase a library that has loan records unless --force, and to replace one while its nodes "
                        + "run (a cluster in its folder, or a node of nodes.properties that answers), even with --force.",
                "Creates the cluster's TLS keys that are missing under resources/tls/ (a CA, one key per node of "
                        + "nodes.properties, the admin's and the client's), even when it refuses to erase the library; "
                        + "not with tls=off.",
                "With store=postgresql in nodes.properties, the library is created in that database instead.",
                "With --nodes N and no nodes.properties yet, it first writes one: N nodes on this machine "
                        + "(127.0.0.1, ports 5001 and up), recording events, as the project's own."})
public final class InitCommand implements Callable<Integer> {
    /** The library's size unless {@code --count} says otherwise (also what {@code cluster} creates). */
    static final int DEFAULT_BOOKS = 10;
    private static final int MAX_BOOKS = 1_000_000;
    private static final int MAX_NODES = 100;
    private static final int FIRST_PORT = 5001;

    @Option(names = "--count", paramLabel = "N", defaultValue = "" + DEFAULT_BOOKS,
            description = "Number of books (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--force", description = "Erase an existing library even if it has loan records (never under running "
            + "nodes).")
    boolean force;

    @Option(names = "--nodes", paramLabel = "N", description = "Also write nodes.properties (--config) for N nodes on this "
            + "machine, 1 to " + MAX_NODES + ", ports " + FIRST_PORT + " and up; refused when the file exists.")
    Integer nodes;

    @Option(names = "--resources", paramLabel = "DIR", defaultValue = "resources",
            description = "Library folder (default ${DEFAULT-VALUE}).")
    Path dir;

    /** The old name of {@code --resources}, kept for scripts (its own field: picocli applies --resources' default last). */
    @Option(names = "--dir", hidden = true, paramLabel = "DIR", description = "Old name of --resources.")
    Path oldDir;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws IOException {
        if (count < 1 || count > MAX_BOOKS) {
            throw new CliException(ExitCodes.USAGE, "--count must be between 1 and " + MAX_BOOKS + ", got " + count);
        }
        Path library = libraryDir();
        if (nodes != null) {
            writeConfig();
        }
        ensureKeys(library);
        if (Files.exists(config.file) && config.load().store().kind() == StoreConfig.Kind.POSTGRESQL) {
            return initPostgres(config.load());
        }
        LibraryFiles files = new LibraryFiles(library);
        // Loan records are never erased without --force, whatever else is missing (the catalogue, say).
        long records = files.historyRecords();
        if (records > 0 && !force) {
            throw new CliException(ExitCodes.REFUSED, files.history() + " has " + records
                    + " loan records; refusing to erase them (use --force to start over)");
        }
        if (Files.exists(files.catalog()) || Files.exists(files.history())) {
            refuseUnderRunningNodes(library);
        }
        files.create(SampleCatalog.books(count));
        System.out.println("Created a library of " + count + " books in " + library + " (" + LibraryFiles.CATALOG + ", "
                + LibraryFiles.HISTORY + ")");
        return ExitCodes.OK;
    }

    /**
     * Refuses to replace a library that running nodes have open, even with {@code --force}: they would go on with the old
     * library in memory and append to the new one. Running means a {@code cluster} process in the folder that holds
     * {@code library}, or, when {@code library} is the {@code resources/} beside the configuration, any of its nodes
     * answering on its port.
     */
    private void refuseUnderRunningNodes(Path library) throws IOException {
        Path absolute = library.toAbsolutePath().normalize();
        RunningNodes.refuseCluster(absolute.getParent(), library.toString());
        if (Files.exists(config.file) && absolute.equals(config.file.toAbsolutePath().normalize().resolveSibling("resources"))) {
            RunningNodes.refuseNodes(config.load(), library.toString());
        }
    }

    /** {@code store=postgresql}: the fresh library goes into the database that nodes.properties names. */
    private int initPostgres(ClusterConfig cluster) throws IOException {
        try {
            Database db = Stores.database(cluster);
            long records = PostgresLibrary.historyRecords(db);
            if (records > 0 && !force) {
                throw new CliException(ExitCodes.REFUSED, "the PostgreSQL library " + db.url() + " has " + records
                        + " loan records; refusing to erase them (use --force to start over)");
            }
            RunningNodes.refuseCluster(config.file.toAbsolutePath().normalize().getParent(), db.url());
            RunningNodes.refuseNodes(cluster, db.url());
            PostgresLibrary.create(db, SampleCatalog.books(count), List.of());
            System.out.println("Created a library of " + count + " books in " + db.url());
            return ExitCodes.OK;
        } catch (StoreException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage());
        }
    }

    /** {@code --nodes N}: a new cluster's nodes.properties, N nodes on 127.0.0.1 (never over an existing file). */
    private void writeConfig() throws IOException {
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new CliException(ExitCodes.USAGE, "--nodes must be between 1 and " + MAX_NODES + ", got " + nodes);
        }
        StringBuilder text = new StringBuilder("# Shelf cluster: one line per node, node.<id>=<host>:<port> (written by"
                + " 'init --nodes " + nodes + "').\n"
                + "# The host is what peers and clients dial, and what this node's RMI stubs advertise.\n");
        for (int id = 1; id <= nodes; id++) {
            text.append("node.").append(id).append("=127.0.0.1:").append(FIRST_PORT + id - 1).append('\n');
        }
        text.append("""

                # Record each node's events for the dashboard and `timeline` (they cost a lock cycle about a third).
                events=on

                # Optional tuning, milliseconds (see README, "Configuration and tuning").
                heartbeat.interval.ms=200
                failure.timeout.ms=1000
                """);
        try {
            Path folder = config.file.toAbsolutePath().getParent();
            if (folder != null) {
                Files.createDirectories(folder);
            }
            Files.writeString(config.file, text, StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            throw new CliException(ExitCodes.REFUSED, config.file + " exists: refusing to replace it (leave out --nodes to"
                    + " use it, or move it away)");
        }
        System.out.println("Wrote " + config.file + ": " + nodes + (nodes == 1 ? " node" : " nodes") + " on 127.0.0.1, port"
                + (nodes == 1 ? " " + FIRST_PORT : "s " + FIRST_PORT + "-" + (FIRST_PORT + nodes - 1)));
    }

    /** The local cluster's missing TLS keys, for the nodes of nodes.properties if there is one. */
    private void ensureKeys(Path library) throws IOException {
        ClusterConfig cluster = Files.exists(config.file) ? config.load() : null;
        if (cluster != null && !cluster.tls()) {
            return;
        }
        TlsFiles keys = TlsFiles.under(library);
        try {
            List<String> created = keys.ensureLocalCluster(cluster);
            if (!created.isEmpty()) {
                System.out.println("Created TLS keys in " + keys.dir() + ": " + String.join(", ", created)
                        + (cluster == null ? " (no " + config.file + ": each node issues its own key from ca.key when it"
                        + " first starts)" : ""));
            }
        } catch (ConfigException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    /** The --resources folder: a folder, or a name not yet taken; never empty (that would be the current folder). */
    private Path libraryDir() {
        Path dir = oldDir != null ? oldDir : this.dir;
        if (dir.toString().isBlank()) {
            throw new CliException(ExitCodes.USAGE, "--resources needs a folder name, e.g. --resources resources");
        }
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
            throw new CliException(ExitCodes.USAGE, "--resources " + dir + " is a file, not a folder");
        }
        return dir;
    }
}
