package shelf.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.library.StoreException;
import shelf.library.UserCredential;
import shelf.library.UserDirectory;
import shelf.library.Usernames;
import shelf.store.Database;
import shelf.store.Stores;
import shelf.util.ExitCodes;
import shelf.util.VersionProvider;

/**
 * {@code shelf users add|remove|list}: the library's users, in the file that {@code users.file} names in the cluster's
 * configuration, or in the library's database with {@code users=postgresql} (either turns user authentication on).
 * Nodes see a change at their next request, without a restart.
 */
@Command(name = "users", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Library users, when users.file=FILE in the configuration turns user authentication on, or "
                + "users=postgresql (with store=postgresql) keeps them in the library's database, seen by every host.",
                "A user's PIN is kept as a salted slow hash (PBKDF2); running nodes see changes at once.",
                "Exit codes: 0 ok, 1 refused (the user exists, no such user, unreadable users file or table), 2 usage, "
                        + "3 the database cannot be reached."})
public final class UsersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = ClusterConfig.DEFAULT_FILE, scope = ScopeType.INHERIT,
            description = "Cluster configuration (default: ${DEFAULT-VALUE} in the working directory).")
    Path config;

    /** Where an interactive PIN is read; tests replace it, with the environment. */
    Console console = System.console();
    Map<String, String> env = System.getenv();
    /** PBKDF2's cost for new PINs; tests lower it, to run fast. */
    int iterations = UserCredential.ITERATIONS;
    private final SecureRandom random = new SecureRandom();

    @Override
    public void run() {
        spec.commandLine().usage(out());
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add a user with a PIN: from --pin-file, --pin-env, or asked twice on the console.",
                    "To give a user a new PIN, remove them and add them again."})
    int add(@Parameters(paramLabel = "NAME", description = "1-64 letters, digits, '.', '_' or '-'.") String name,
            @Option(names = "--pin-file", paramLabel = "FILE", description = "Read the PIN from the first line of FILE.")
            Path pinFile,
            @Option(names = "--pin-env", paramLabel = "VAR", description = "Read the PIN from environment variable VAR.")
            String pinEnv) {
        checkName(name);
        if (pinFile != null && pinEnv != null) {
            throw new CliException(ExitCodes.USAGE, "give the PIN with --pin-file or with --pin-env, not both");
        }
        UserDirectory users = directory();
        if (call(() -> users.find(name).isPresent())) {
            throw exists(name, users);
        }
        char[] pin = pinFile != null ? Pins.fromFile(pinFile) : pinEnv != null ? Pins.fromEnv(pinEnv, env) : prompt(name);
        try {
            checkPin(pin);
            UserCredential user = UserCredential.create(name, pin, random, iterations);
            if (!call(() -> users.add(user))) {
                throw exists(name, users);
            }
        } finally {
            Arrays.fill(pin, '\0');
        }
        out().println("added " + name + " to " + users.location());
        return ExitCodes.OK;
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user; their sessions end at once.")
    int remove(@Parameters(paramLabel = "NAME", description = "The user to remove.") String name) {
        checkName(name);
        UserDirectory users = directory();
        if (!call(() -> users.remove(name))) {
            throw new CliException(ExitCodes.REFUSED, "no user " + name + " in " + users.location());
        }
        out().println("removed " + name + " from " + users.location());
        return ExitCodes.OK;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The users' names, one a line.")
    int list() {
        UserDirectory users = directory();
        List<String> names = call(users::names);
        names.forEach(out()::println);
        if (names.isEmpty()) {
            err().println("no users in " + users.location());
        }
        return ExitCodes.OK;
    }

    private UserDirectory directory() {
        ClusterConfig cluster;
        try {
            cluster = ClusterConfig.load(config);
        } catch (ConfigException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        return call(() -> Stores.users(cluster, random)).orElseThrow(() -> new CliException(ExitCodes.USAGE,
                "user authentication is off in " + cluster.source() + ": add " + ClusterConfig.USERS_FILE
                        + "=resources/users.json to it first (or " + ClusterConfig.USERS
                        + "=postgresql, with store=postgresql)"));
    }

    /** Asks twice, without echo. */
    private char[] prompt(String name) {
        if (console == null) {
            throw new CliException(ExitCodes.USAGE, "no console to ask " + name + "'s PIN on: give it with --pin-file FILE "
                    + "or --pin-env VAR");
        }
        char[] pin = Pins.prompt(console, "PIN for " + name + ": ");
        char[] again = Pins.prompt(console, "The same PIN again: ");
        boolean same = Arrays.equals(pin, again);
        Arrays.fill(again, '\0');
        if (!same) {
            Arrays.fill(pin, '\0');
            throw new CliException(ExitCodes.USAGE, "the two PINs differ; nothing changed");
        }
        return pin;
    }

    private static void checkName(String name) {
        if (!Usernames.isValid(name)) {
            throw new CliException(ExitCodes.USAGE,
                    "invalid user name '" + name + "': use 1-64 letters, digits, '.', '_' or '-'");
        }
    }

    private static void checkPin(char[] pin) {
        if (pin.length < UserCredential.MIN_PIN || pin.length > UserCredential.MAX_PIN) {
            throw new CliException(ExitCodes.USAGE, "a PIN has " + UserCredential.MIN_PIN + " to " + UserCredential.MAX_PIN
                    + " characters, this one " + pin.length);
        }
    }

    private static CliException exists(String name, UserDirectory users) {
        return new CliException(ExitCodes.REFUSED, name + " is already a user in " + users.location()
                + " (to give a new PIN: users remove " + name + ", then users add " + name + ")");
    }

    private interface StoreCall<T> {
        T call() throws StoreException;
    }

    /**
     * A users file or table that cannot be read or written is a refusal (exit 1), as a corrupted library is for a node;
     * a database that cannot be reached (down, restarting, silent) is unavailable (exit 3): try again later.
     */
    private static <T> T call(StoreCall<T> c) {
        try {
            return c.call();
        } catch (StoreException e) {
            throw new CliException(Database.unreachable(e) ? ExitCodes.UNAVAILABLE : ExitCodes.REFUSED, e.getMessage());
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
