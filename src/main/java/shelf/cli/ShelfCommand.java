package shelf.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import shelf.bench.BenchCommand;
import shelf.rmi.Credentials;
import shelf.tls.Role;
import shelf.util.VersionProvider;

/**
 * {@code java -jar shelf.jar}: every Shelf command as a subcommand. A command line that begins with a command's name
 * gets a model of that command alone: picocli reads each command's annotations when it is added, and a one-shot
 * {@code admin} or {@code cluster} need not pay for {@code bench} and the others (BENCHMARKS.md, "A one-shot client").
 */
@Command(name = ShelfCommand.NAME, mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Shelf: a distributed lending library on Java RMI (Bully election, centralized lock server).")
public final class ShelfCommand implements Runnable {
    /** How the usage names the jar's main: {@code Usage: shelf.jar client ...}. */
    public static final String NAME = "shelf.jar";

    /** The commands that call nodes at once, with the key each calls with ({@code ./resources/tls}). */
    private static final Map<String, Role> CALLERS = Map.of("client", Role.CLIENT, "admin", Role.ADMIN);

    /** Every command, by the name it is typed with, in the order the usage lists them. */
    private static final Map<String, Supplier<Object>> COMMANDS = commands();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        Role caller = args.length > 0 ? CALLERS.get(args[0]) : null;
        if (caller != null) {
            Credentials.prepare(caller); // the key is read while picocli builds the command's model
        }
        Cli.main(NAME, commandLine(args), args);
    }

    /**
     * The jar's command line for {@code args}: the command {@code args} begins with, or every command when it begins
     * with none ({@code --help}, a mistyped name: picocli then lists them, or suggests the nearest).
     */
    public static CommandLine commandLine(String... args) {
        CommandLine line = new CommandLine(new ShelfCommand());
        Supplier<Object> named = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (named != null) {
            line.addSubcommand(args[0], named.get());
        } else {
            COMMANDS.forEach((name, command) -> line.addSubcommand(name, command.get()));
        }
        return Cli.configure(line);
    }

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> all = new LinkedHashMap<>();
        all.put("init", InitCommand::new);
        all.put("node", NodeCommand::new);
        all.put("client", ClientCommand::new);
        all.put("admin", AdminCommand::new);
        all.put("cluster", ClusterCommand::new);
        all.put("demo", DemoCommand::new);
        all.put("users", UsersCommand::new);
        all.put("certs", CertsCommand::new);
        all.put("store", StoreCommand::new);
        all.put("dashboard", DashboardCommand::new);
        all.put("bench", BenchCommand::new);
        all.put("timeline", TimelineCommand::new);
        all.put("chaos", ChaosCommand::new);
        return Collections.unmodifiableMap(all);
    }
}
