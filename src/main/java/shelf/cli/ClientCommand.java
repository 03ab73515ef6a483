package shelf.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import shelf.api.LibraryService;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.config.NodeAddress;
import shelf.library.Usernames;
import shelf.rmi.Credentials;
import shelf.rmi.RmiServer;
import shelf.rmi.Stubs;
import shelf.tls.Role;
import shelf.util.ExitCodes;
import shelf.util.VersionProvider;

/** {@code RmiClient -u <user> -n <node> [COMMAND ARGS]} / {@code shelf client}. */
@Command(name = "client", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"A library client of one node. With a command, runs it and exits; without, an interactive prompt.",
                "", ClientSession.HELP, "",
                "Exit codes: 0 ok, 1 refused (by the library's rules, or a wrong PIN or session), 2 usage error,",
                "3 node or cluster unavailable, 4 not allowed (the node refused this client's TLS key,",
                "resources/tls/client.crt)."})
public final class ClientCommand implements Callable<Integer> {
    @Option(names = {"-u", "--user"}, required = true, paramLabel = "USER",
            description = "Your user name: 1-64 of letters, digits, '.', '_', '-'.")
    String user;

    @Option(names = {"-n", "--node"}, required = true, paramLabel = "ID", description = "The node to talk to.")
    int nodeId;

    @Option(names = "--json", description = "Print exactly one JSON document per command.")
    boolean json;

    @Option(names = "--pin-file", paramLabel = "FILE", description = "Your PIN, when the cluster has user authentication on: "
            + "the first line of FILE. Else the " + Pins.ENV + " environment variable, else a prompt.")
    Path pinFile;

    @Mixin
    ConfigOption config;

    @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "A command and its arguments (omit for the prompt).")
    List<String> words = List.of();

    @Override
    public Integer call() throws IOException, ConfigException {
        if (!Usernames.isValid(user)) {
            throw new CliException(ExitCodes.USAGE,
                    "invalid user name '" + user + "': use 1-64 letters, digits, '.', '_' or '-'");
        }
        ClusterConfig cluster = config.load();
        NodeAddress node = cluster.require(nodeId);
        Credentials.choose(cluster, Role.CLIENT); // resources/tls/client.crt and .key, or plaintext with tls=off
        Files.createDirectories(Path.of("logs"));
        Logging.toFile(Path.of("logs", "client-" + user + ".log"), false, Logging.Level.INFO);
        List<Integer> others = cluster.ids().stream().filter(id -> id != nodeId).toList();
        LibraryService library = connect(node, others, cluster);
        ClientSession session = new ClientSession(user, node, others, library, json, System.out, System.err,
                Pins.forClient(pinFile, user, System.getenv(), System.console()));
        if (!words.isEmpty()) {
            return session.run(words);
        }
        int login = session.logIn(); // the prompt logs in once, up front, before the line editor takes the terminal
        return login != ExitCodes.OK ? login : interactive(session, node);
    }

    private static LibraryService connect(NodeAddress node, List<Integer> others, ClusterConfig cluster) {
        RmiServer.useClientTimeouts(cluster);
        try {
            return Stubs.lookup(node, LibraryService.class);
        } catch (RemoteException e) {
            if (Denied.is(e)) {
                throw new CliException(ExitCodes.DENIED, Denied.message(node, e));
            }
            throw new CliException(ExitCodes.UNAVAILABLE, ClientSession.unreachable(node, e)
                    + (others.isEmpty() ? "" : "; try another node, e.g. -n " + others.get(0)));
        } catch (NotBoundException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "node " + node.id() + " at " + node + " is not serving clients yet");
        }
    }

    private int interactive(ClientSession session, NodeAddress node) throws IOException {
        // Errors are reported line by line; leaving the prompt normally is success.
        String prompt = user + "@node" + node.id() + "> ";
        if (System.console() == null) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while (true) {
                System.out.print(prompt);
                System.out.flush();
                line = in.readLine();
                if (line == null || isQuit(line)) {
                    return ExitCodes.OK;
                }
                session.run(split(line));
            }
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal)
                    .completer(new StringsCompleter("list", "borrow", "return", "renew", "loans", "history", "help", "quit"))
                    .build();
            System.out.println("Shelf client for " + user + " on node " + node.id() + " (" + node + "). Type 'help'.");
            while (true) {
                String line;
                try {
                    line = reader.readLine(prompt);
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

    private static boolean isQuit(String line) {
        String t = line.strip();
        return t.equals("quit") || t.equals("exit");
    }

    private static List<String> split(String line) {
        String t = line.strip();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }
}
