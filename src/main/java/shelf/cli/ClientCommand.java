package shelf.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import shelf.api.LibraryService;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.library.Usernames;
import shelf.rmi.Credentials;
import shelf.rmi.RmiServer;
import shelf.rmi.Stubs;
import shelf.tls.Role;
import shelf.util.ExitCodes;
import shelf.util.Texts;
import shelf.util.VersionProvider;

/** {@code RmiClient -u <user> -n <node> [COMMAND ARGS]} / {@code shelf client}. */
@Command(name = "client", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"A library client of one node. With a command, runs it and exits; without, an interactive prompt.",
                "", ClientSession.HELP, "",
                "Exit codes: 0 ok, 1 refused (by the library's rules, or a wrong PIN or session), 2 usage error, "
                        + "3 node or cluster unavailable, 4 not allowed (the node refused this client's TLS key, "
                        + "resources/tls/client.crt). Commands piped in (standard input not a terminal) end with the "
                        + "highest exit code of theirs."})
public final class ClientCommand implements Callable<Integer> {
    @Option(names = {"-u", "--user"}, required = true, paramLabel = "USER",
            description = "Your user name: 1-64 of letters, digits, '.', '_', '-'.")
    String user;

    @Option(names = {"-n", "--node"}, required = true, paramLabel = "ID",
            description = "The node to ask first; when it cannot serve, the client asks the others (see --no-failover).")
    int nodeId;

    @Option(names = "--no-failover", description = "Ask only node ID, never another: exit 3 when it cannot serve.")
    boolean noFailover;

    @Option(names = "--timeout", paramLabel = "MS", description = "How long a node has to answer (connect, look up, "
            + "probe) before the client moves on to another; default: rpc.timeout.ms of the configuration, at least 1000."
            + " A node that answers then has the request timeout (request.timeout.ms) and some grace to serve.")
    Long timeoutMs;

    @Option(names = "--json", description = "Print exactly one JSON document per command.")
    boolean json;

    @Option(names = "--pin-file", paramLabel = "FILE", description = "Your PIN, when the cluster has user authentication on: "
            + "the first line of FILE. Else the " + Pins.ENV + " environment variable, else a prompt.")
    Path pinFile;

    @Mixin
    ConfigOption config;

    @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "A command and its arguments (omit for the prompt).")
    List<String> words = List.of();

    /** Where {@code SHELF_PIN} is read: this process's environment, or the caller's when the {@link ClientAgent} runs it. */
    Map<String, String> environment = System.getenv();

    /** Run by the {@link ClientAgent}: what needs a terminal (the prompt, a PIN typed) is handed back to the launcher. */
    boolean inAgent;

    @Override
    public Integer call() throws IOException, ConfigException {
        if (inAgent && words.isEmpty()) {
            throw new ClientAgent.NeedsTerminal("the prompt");
        }
        try {
            return runWith(session());
        } catch (CliException e) {
            if (json) { // DESIGN §4: with --json, an error is also one document on stdout
                System.out.println(ClientSession.errorDocument(e));
            }
            throw e;
        } catch (ConfigException e) {
            if (json) {
                System.out.println(ClientSession.errorDocument(ExitCodes.USAGE, e.getMessage()));
            }
            throw e;
        }
    }

    private ClientSession session() throws IOException, ConfigException {
        if (!Usernames.isValid(user)) {
            throw new CliException(ExitCodes.USAGE,
                    "invalid user name '" + Texts.quoted(user) + "': use 1-64 letters, digits, '.', '_' or '-'");
        }
        if (timeoutMs != null && (timeoutMs < 1 || timeoutMs > 3_600_000)) {
            throw new CliException(ExitCodes.USAGE, "--timeout must be between 1 and 3600000 ms, got " + timeoutMs);
        }
        ClusterConfig cluster = config.load();
        cluster.require(nodeId);
        Credentials.choose(cluster, Role.CLIENT); // resources/tls/client.crt and .key, or plaintext with tls=off
        Files.createDirectories(Path.of("logs"));
        Logging.toFile(Path.of("logs", "client-" + user + ".log"), cluster.logs(), false, Logging.Level.INFO);
        RmiServer.useClientTimeouts(cluster);
        long answerMs = timeoutMs != null ? timeoutMs : Math.max(1_000, cluster.timings().rpcTimeoutMs());
        long callMs = cluster.timings().requestTimeoutMs() + RmiServer.CLIENT_READ_GRACE_MS;
        LibraryConnection connection = new LibraryConnection(List.copyOf(cluster.nodes().values()), nodeId,
                node -> Stubs.lookup(node, LibraryService.class), !noFailover,
                new LibraryConnection.Timeouts(answerMs, callMs, LibraryConnection.PROBE_AFTER_MS), System.err);
        return new ClientSession(user, connection, json, System.out, System.err, pins());
    }

    private Pins.Source pins() {
        if (inAgent && pinFile == null && !environment.containsKey(Pins.ENV)) {
            return () -> {
                throw new ClientAgent.NeedsTerminal("a PIN to type");
            };
        }
        return Pins.forClient(pinFile, user, environment, System.console());
    }

    /** Runs the command, or the prompt. */
    private int runWith(ClientSession session) throws IOException {
        if (!words.isEmpty()) {
            return session.run(words);
        }
        int login = session.logIn(); // the prompt logs in once, up front, before the line editor takes the terminal
        return login != ExitCodes.OK ? login : interactive(session);
    }

    private String prompt(ClientSession session) {
        return user + "@node" + session.node().id() + "> ";
    }

    private int interactive(ClientSession session) throws IOException {
        // A person at the prompt sees each error on its line, and leaving the prompt is success; commands piped in, as
        // a script gives them, end with the highest exit code of theirs, so the script can tell that one failed.
        if (System.console() == null) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!standardInputIsTerminal()) {
                return piped(in, session::run); // their answers alone, as psql gives them
            }
            while (true) {
                System.out.print(prompt(session));
                System.out.flush();
                String line = in.readLine();
                if (line == null || isQuit(line)) {
                    return ExitCodes.OK;
                }
                session.run(split(line));
            }
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal)
                    .completer(new PromptCompleter(session))
                    .variable(LineReader.HISTORY_FILE, PromptCompleter.historyFile(user))
                    .option(LineReader.Option.HISTORY_INCREMENTAL, true)
                    .build();
            System.out.println("Shelf client for " + user + ", node " + session.node().id() + " (" + session.node()
                    + ") first. Type 'help'.");
            while (true) {
                String line;
                try {
                    line = reader.readLine(prompt(session));
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    return ExitCodes.OK;
                }
                if (isQuit(line)) {
                    return ExitCodes.OK;
                }
                session.run(split(line));
            }
        }
    }

    /**
     * Whether standard input is a terminal (a person types, and wants a prompt, even when the output goes to a pipe);
     * true when it cannot be told. Java has no isatty: Linux names the terminal behind file descriptor 0.
     */
    static boolean standardInputIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return true;
        }
    }

    /**
     * Runs each line of {@code in} until its end or {@code quit}: the highest exit code of the commands (0 when all
     * succeeded; 1 refused, 2 usage, 3 unavailable, 4 denied).
     */
    static int piped(BufferedReader in, ToIntFunction<List<String>> run) throws IOException {
        int worst = ExitCodes.OK;
        String line;
        while ((line = in.readLine()) != null && !isQuit(line)) {
            worst = Math.max(worst, run.applyAsInt(split(line)));
        }
        return worst;
    }

    private static boolean isQuit(String line) {
        String t = line.strip();
        return t.equals("quit") || t.equals("exit");
    }

    private static List<String> split(String line) {
        String t = line.strip();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }
}
