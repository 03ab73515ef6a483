package shelf.cli;

import java.nio.file.FileSystemException;
import java.rmi.RemoteException;
import picocli.CommandLine;
import shelf.api.UnavailableException;
import shelf.config.ConfigException;
import shelf.node.NodeStartException;
import shelf.util.ExitCodes;
import shelf.util.Texts;
import shelf.util.Throwables;
import shelf.util.VersionProvider;

/** Runs a picocli command with Shelf's exit codes and one-line error messages. */
public final class Cli {
    /** The most of picocli's message on a mistake that is printed: it quotes what was typed. */
    private static final int PARSE_ERROR_CHARS = 300;

    private Cli() {
    }

    public static CommandLine commandLine(Object command) {
        return configure(new CommandLine(command));
    }

    /** Shelf's settings on {@code cl} and every subcommand it has now: exit codes, one-line errors, help and version. */
    public static CommandLine configure(CommandLine cl) {
        everyCommandHasHelpAndVersion(cl);
        // "borrow -1" is a book id, not an unknown option.
        cl.setUnmatchedOptionsArePositionalParams(true);
        // A mistake on the command line: one line naming it, and where to read more; not the whole usage text.
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine line = e.getCommandLine();
            // picocli quotes what was typed: a megabyte or a terminal's escape sequence must not come back whole
            String said = Texts.visible(Texts.clip(e.getMessage(), PARSE_ERROR_CHARS));
            String message = said + " (see: " + line.getCommandSpec().qualifiedName() + " --help)";
            line.getErr().println(line.getCommandSpec().qualifiedName() + ": " + message);
            if (asksForJson(args)) { // DESIGN §4: with --json an error is also one document on stdout
                line.getOut().println(ClientSession.errorDocument(ExitCodes.USAGE, message));
                line.getOut().flush();
            }
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println(line.getCommandName() + ": " + message(e));
            return exitCode(e);
        });
        return cl;
    }

    /** Whether the command line asked for {@code --json} (before any {@code --}): a parse error must then be a document too. */
    static boolean asksForJson(String... args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--json")) {
                return true;
            }
        }
        return false;
    }

    /** {@code --help} and {@code --version} (the pom's version) on {@code line} and every subcommand below it. */
    private static void everyCommandHasHelpAndVersion(CommandLine line) {
        CommandLine.Model.CommandSpec spec = line.getCommandSpec();
        if (spec.optionsMap().get("--version") == null) {
            spec.mixinStandardHelpOptions(true);
        }
        spec.versionProvider(new VersionProvider());
        line.getSubcommands().values().forEach(Cli::everyCommandHasHelpAndVersion);
    }

    /** Parses and runs, returning the exit code. */
    public static int run(Object command, String... args) {
        return commandLine(command).execute(args);
    }

    /**
     * Runs and exits the JVM with the command's exit code; its help and messages call it {@code name}, the name the
     * user typed ({@code RmiClient}, {@code CreateBooks}, {@code shelf.jar}).
     */
    public static void main(String name, Object command, String... args) {
        main(name, commandLine(command), args);
    }

    /** As {@link #main(String, Object, String...)}, with the command line already built (and {@link #configure}d). */
    public static void main(String name, CommandLine line, String... args) {
        int code = line.setCommandName(name).execute(args);
        Logging.shutdown();
        System.exit(code);
    }

    static int exitCode(Throwable e) {
        if (e instanceof CliException c) {
            return c.exitCode();
        }
        if (e instanceof NodeStartException n) {
            return n.exitCode();
        }
        if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        if (e instanceof SecurityException || Denied.byTls(e)) {
            return ExitCodes.DENIED;
        }
        if (e instanceof UnavailableException || e instanceof RemoteException) {
            return ExitCodes.UNAVAILABLE;
        }
        return ExitCodes.REFUSED;
    }

    static String message(Throwable e) {
        if (e instanceof CliException || e instanceof NodeStartException || e instanceof ConfigException
                || e instanceof UnavailableException || e instanceof IllegalArgumentException || e instanceof SecurityException) {
            return e.getMessage();
        }
        Throwable root = Throwables.rootCause(e);
        if (root instanceof FileSystemException f) {
            return Throwables.fileProblem(f);
        }
        return e.getClass().getSimpleName() + ": " + (root.getMessage() == null ? root.toString() : root.getMessage());
    }
}
