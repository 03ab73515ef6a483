package shelf.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import picocli.CommandLine;
import shelf.api.LibraryService;
import shelf.config.ClusterConfig;
import shelf.config.NodeAddress;
import shelf.rmi.Credentials;
import shelf.rmi.RmiServer;
import shelf.rmi.Stubs;
import shelf.tls.Role;
import shelf.util.AtomicFiles;
import shelf.util.ExitCodes;
import shelf.util.RateLimitedLog;
import shelf.util.ShelfJar;
import shelf.util.Texts;
import shelf.util.Throwables;

/**
 * A warm client JVM for one folder: {@code bin/shelf RmiClient ...} hands its command to the agent instead of starting
 * a cold JVM (and its TLS) each time, and prints what the command printed, with its exit code. The command runs here
 * exactly as {@link ClientCommand} runs it in a JVM of its own, in this folder, with the caller's {@code SHELF_PIN};
 * what needs a terminal (the prompt, a PIN to type) is handed back to the launcher, which then starts that JVM.
 *
 * <p>How it is reached: {@code resources/client-agent.HOST} (owner-only) names the loopback port and two random
 * secrets.
 * The agent speaks first, with its own secret, so the launcher sends nothing (not a PIN) to a stranger that took the
 * port after the agent ended; the launcher then proves itself with the other, so only a user who can read the file
 * (who can read the client's TLS key beside it) can have a command run. One command at a time: a launcher that finds
 * the agent busy starts its own JVM. The agent stops after {@code idle} seconds without a command, when the jar it
 * runs from is rebuilt, or when its file is removed or replaced (the folder deleted, another agent started).
 */
public final class ClientAgent {
    /**
     * The names of the file under {@code resources/} where an agent says how to reach it ({@code PORT AGENT-PROOF
     * LAUNCHER-PROOF PID}): {@code client-agent.HOST}, as {@code bin/shelf} names it for its host.
     */
    private static final Pattern FILE_NAME = Pattern.compile("client-agent(\\.[A-Za-z0-9_.-]{1,255})?");
    static final int DEFAULT_IDLE_SECONDS = 600;
    /** The exit code with which a command is handed back: the launcher runs it in a JVM of its own. */
    static final int HAND_BACK = -1;
    /** How long a caller has to send its request once connected. */
    private static final int REQUEST_READ_MS = 5_000;
    /** How often the agent looks at its file and jar while no command comes. */
    private static final int TICK_MS = 1_000;
    private static final int PROOF_BYTES = 24;
    private static final byte[] BUSY = "busy\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALLBACK = "fallback\n".getBytes(StandardCharsets.US_ASCII);

    /** Thrown where a command needs a terminal the agent has not: the launcher runs it in a JVM of its own. */
    static final class NeedsTerminal extends RuntimeException {
        NeedsTerminal(String what) {
            super(what + " needs the terminal: handed back to a client JVM of its own");
        }
    }

    private final Path file;
    private final Path lock;
    private final long idleMs;
    private final PrintStream log;
    private final Optional<Path> jar;
    private final Optional<FileTime> jarTime;
    private final String agentProof;
    private final String launcherProof;
    private volatile int served;
    private volatile long lastCommand;

    /** What anyone on this host can provoke by connecting to the agent's port: a line a minute at most, per kind. */
    private final RateLimitedLog strangers;

    ClientAgent(String fileName, long idleMs, PrintStream log, Optional<Path> jar) {
        this.file = Path.of("resources", fileName);
        this.lock = Path.of("resources", fileName + ".lock");
        this.idleMs = idleMs;
        this.log = log;
        this.jar = jar;
        this.jarTime = jar.flatMap(ClientAgent::modified);
        SecureRandom random = new SecureRandom();
        this.agentProof = proof(random);
        this.launcherProof = proof(random);
        this.strangers = new RateLimitedLog(this::sayLine, RateLimitedLog.WINDOW_NANOS, System::nanoTime);
    }

    /**
     * {@code java -cp shelf.jar shelf.cli.ClientAgent [IDLE-SECONDS [FILE-NAME]]}, started by {@code bin/shelf} in the
     * folder.
     */
    public static void main(String[] args) {
        long idleSeconds = DEFAULT_IDLE_SECONDS;
        try {
            idleSeconds = args.length > 0 ? Math.max(1, Long.parseLong(args[0])) : DEFAULT_IDLE_SECONDS;
        } catch (NumberFormatException e) {
            System.err.println("client agent: idle seconds must be a whole number, got '" + Texts.quoted(args[0]) + "'; using "
                    + DEFAULT_IDLE_SECONDS);
        }
        String name = args.length > 1 ? args[1] : "client-agent";
        if (!isFileName(name)) {
            System.err.println("client agent: not an agent's file name: '" + name + "' (client-agent.HOST expected)");
            System.exit(ExitCodes.USAGE);
        }
        try {
            new ClientAgent(name, idleSeconds * 1000, System.err, ShelfJar.locate()).serve();
        } catch (IOException e) {
            System.err.println("client agent: cannot serve: " + Throwables.rootCause(e).getMessage());
        }
        System.exit(0);
    }

    /** Serves until idle, rebuilt or replaced; returns at once when another agent serves the folder. */
    void serve() throws IOException {
        try (FileChannel lockFile = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = lockFile.tryLock()) {
            if (held == null) {
                return; // another agent serves this folder
            }
            warmUp();
            try (ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
                server.setSoTimeout(TICK_MS);
                String address = server.getLocalPort() + " " + agentProof + " " + launcherProof + " "
                        + ProcessHandle.current().pid() + "\n";
                AtomicFiles.write(file, address.getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_ONLY);
                say("serves the RmiClient commands of %s on %s:%d; stops after %d s without one",
                        Path.of("").toAbsolutePath(), server.getInetAddress().getHostAddress(), server.getLocalPort(),
                        idleMs / 1000);
                try {
                    loop(server, address);
                } finally {
                    removeIfOurs(address);
                }
            }
        }
    }

    /**
     * Does once what every command does, before the agent says where it is, so that its first command is as quick as
     * the next: picocli's model of the command, the configuration, the client's key and TLS context, and a registry
     * lookup of the first node's library with the first call each client makes (whether it asks for a login). A node
     * that does not answer only leaves the first command colder.
     */
    private void warmUp() {
        long started = System.nanoTime();
        run(new AgentRequest("RmiClient", List.of("--help"), null), new Transcript());
        String looked;
        try {
            ClusterConfig config = ClusterConfig.load(Path.of(ClusterConfig.DEFAULT_FILE));
            Credentials.choose(config, Role.CLIENT);
            RmiServer.useClientTimeouts(config);
            NodeAddress first = config.nodes().values().iterator().next();
            Stubs.lookup(first, LibraryService.class).authenticationRequired();
            looked = "node " + first.id() + " answered";
        } catch (Exception e) {
            looked = "no node answered (" + Throwables.rootCause(e).getMessage() + ")";
        }
        say("warmed up in %d ms: %s", (System.nanoTime() - started) / 1_000_000, looked);
    }

    /**
     * Accepts callers on this thread and runs their commands, one at a time, on another: a caller that comes while a
     * command runs is told at once that the agent is busy (its launcher then starts a JVM of its own, as without an
     * agent), not kept waiting behind it.
     */
    private void loop(ServerSocket server, String address) throws IOException {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "client-agent-command"));
        try {
            Future<?> running = CompletableFuture.completedFuture(null);
            lastCommand = System.nanoTime();
            while (true) {
                String stop = running.isDone() ? reasonToStop(address) : null;
                if (stop != null) {
                    say("stops: %s; it ran %d command%s", stop, served, served == 1 ? "" : "s");
                    return;
                }
                Socket caller;
                try {
                    caller = server.accept();
                } catch (SocketTimeoutException e) {
                    continue; // a tick: look at the file and the jar again
                }
                if (running.isDone()) {
                    running = worker.submit(() -> serve(caller));
                } else {
                    try (caller) {
                        caller.getOutputStream().write(BUSY);
                    } catch (IOException e) {
                        // the caller left: nothing to tell it
                    }
                }
            }
        } finally {
            worker.shutdownNow();
        }
    }

    private void serve(Socket caller) {
        try (caller) {
            if (answer(caller)) {
                lastCommand = System.nanoTime();
            }
        } catch (IOException e) {
            strangers.warn("failed", "a caller's connection failed: " + Throwables.rootCause(e).getMessage());
        }
    }

    /** Why the agent should stop now, or null. */
    private String reasonToStop(String address) {
        if ((System.nanoTime() - lastCommand) / 1_000_000 >= idleMs) {
            return "no command for " + idleMs / 1000 + " s";
        }
        if (jarRebuilt()) {
            return "its jar " + jar.orElseThrow() + " was rebuilt";
        }
        try {
            if (!Files.readString(file, StandardCharsets.US_ASCII).equals(address)) {
                return file + " names another agent";
            }
        } catch (NoSuchFileException e) {
            return file + " was removed";
        } catch (IOException e) {
            return file + " cannot be read: " + e.getMessage();
        }
        return null;
    }

    private boolean jarRebuilt() {
        return jar.isPresent() && !jar.flatMap(ClientAgent::modified).equals(jarTime);
    }

    /** Serves one caller; true when a command was run or handed back (the agent was used). */
    private boolean answer(Socket caller) throws IOException {
        caller.setSoTimeout(REQUEST_READ_MS);
        OutputStream out = new BufferedOutputStream(caller.getOutputStream());
        out.write(("shelf-agent " + agentProof + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        AgentRequest request;
        InputStream in = new BufferedInputStream(caller.getInputStream());
        try {
            request = AgentRequest.read(in, launcherProof);
        } catch (AgentRequest.Stranger e) {
            strangers.warn("refused", "refused " + e.getMessage());
            return false;
        } catch (AgentRequest.Malformed e) { // the launcher's, but too large: its own JVM says what is wrong with it
            say("handed back a request it does not take: %s", e.getMessage());
            out.write(FALLBACK);
            out.flush();
            caller.shutdownOutput();
            // what the launcher still sends is read to its end (it closes once it has the answer): closed with
            // unread bytes, the connection would be reset, and the launcher might lose the answer
            while (in.skip(AgentRequest.MAX_BYTES) > 0 || in.read() >= 0) {
                // discarded
            }
            return true;
        }
        if (jarRebuilt()) { // the launcher runs the new jar itself
            out.write(FALLBACK);
            out.flush();
            return false;
        }
        Transcript transcript = new Transcript();
        int code = run(request, transcript);
        if (code == HAND_BACK) {
            out.write(FALLBACK);
        } else {
            served = served + 1; // this thread alone writes it
            transcript.send(out, code);
        }
        out.flush();
        return true;
    }

    /** Runs one command as {@code RmiClient} would, its output into {@code transcript}; its exit code or HAND_BACK. */
    static int run(AgentRequest request, Transcript transcript) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        // The transcript is System.out and System.err for the whole run, from before the command line is made (made
        // before, picocli printed --help to the agent's own output): ClientCommand and ClientSession print to them.
        System.setOut(transcript.out());
        System.setErr(transcript.err());
        try {
            ClientCommand command = new ClientCommand();
            command.environment = request.pin() == null ? Map.of() : Map.of(Pins.ENV, request.pin());
            command.inAgent = true;
            CommandLine line = Cli.commandLine(command).setCommandName(request.program());
            line.setOut(new PrintWriter(transcript.out(), true, StandardCharsets.UTF_8));
            line.setErr(new PrintWriter(transcript.err(), true, StandardCharsets.UTF_8));
            CommandLine.IExecutionExceptionHandler errors = line.getExecutionExceptionHandler();
            line.setExecutionExceptionHandler((e, l, parsed) -> Throwables.anyCause(e, NeedsTerminal.class::isInstance)
                    ? HAND_BACK : errors.handleExecutionException(e, l, parsed));
            return line.execute(request.args().toArray(String[]::new));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            Logging.shutdown();
        }
    }

    /**
     * Stops the client agents of {@code folder} (one per host that shares it): their files are removed, and each agent
     * stops within a second when it finds its file gone. How many there were.
     */
    static int stopAgentsOf(Path folder) {
        int stopped = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder.resolve("resources"), "client-agent*")) {
            for (Path f : files) {
                if (isFileName(f.getFileName().toString()) && Files.deleteIfExists(f)) {
                    stopped++;
                }
            }
        } catch (IOException e) {
            // no resources folder, or none to remove
        }
        return stopped;
    }

    /** Whether {@code name} is an agent's file ({@code client-agent.HOST}), not its lock ({@code ….lock}). */
    static boolean isFileName(String name) {
        return FILE_NAME.matcher(name).matches() && !name.endsWith(".lock");
    }

    private void removeIfOurs(String address) {
        try {
            if (Files.readString(file, StandardCharsets.US_ASCII).equals(address)) {
                Files.delete(file);
            }
        } catch (IOException e) {
            // gone already, or another agent's now
        }
    }

    private void say(String format, Object... args) {
        sayLine(String.format(Locale.US, format, args));
    }

    private void sayLine(String line) {
        log.println("client agent " + ProcessHandle.current().pid() + ": " + line);
    }

    private static String proof(SecureRandom random) {
        byte[] bytes = new byte[PROOF_BYTES];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static Optional<FileTime> modified(Path file) {
        try {
            return Optional.of(Files.getLastModifiedTime(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
