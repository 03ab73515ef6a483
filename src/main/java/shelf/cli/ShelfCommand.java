package shelf.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import shelf.rmi.Credentials;
import shelf.tls.Role;
import shelf.util.VersionProvider;

/** {@code java -jar shelf.jar}: every Shelf command as a subcommand. */
@Command(name = ShelfCommand.NAME, mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Shelf: a distributed lending library on Java RMI (Bully election, centralized lock server).",
        subcommands = {InitCommand.class, NodeCommand.class, ClientCommand.class, AdminCommand.class,
                ClusterCommand.class, DemoCommand.class, UsersCommand.class, CertsCommand.class, StoreCommand.class,
                DashboardCommand.class, shelf.bench.BenchCommand.class, TimelineCommand.class, ChaosCommand.class})
public final class ShelfCommand implements Runnable {
    /** How the usage names the jar's main: {@code Usage: shelf.jar client ...}. */
    public static final String NAME = "shelf.jar";

    /** The commands that call nodes at once, with the key each calls with ({@code ./resources/tls}). */
    private static final Map<String, Role> CALLERS = Map.of("client", Role.CLIENT, "admin", Role.ADMIN);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        Role caller = args.length > 0 ? CALLERS.get(args[0]) : null;
        if (caller != null) {
            Credentials.prepare(caller); // the key is read while picocli builds its model of every command
        }
        Cli.main(NAME, new ShelfCommand(), args);
    }
}
