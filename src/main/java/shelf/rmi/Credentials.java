package shelf.rmi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.rmi.server.RMIClientSocketFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.tls.KeyMaterial;
import shelf.tls.Role;
import shelf.tls.TlsFiles;

/**
 * This process's credentials for outbound calls: the key material its TLS connections present, or plaintext
 * ({@code tls=off}). RMI ships a stub's client socket factory inside the stub, so the factory must find the caller's
 * keys in the process: each program chooses them once at start ({@link #use}) — a node its node key, the client its
 * client key, the admin tools (jshell's {@code Admin.connect}, {@code admin}, {@code cluster}, {@code demo},
 * {@code bench}) the admin key — and a program that chose nothing gets the admin key of {@code ./resources/tls} (or
 * plaintext if {@code ./nodes.properties} says {@code tls=off}), so jshell works unchanged in a cluster's folder.
 *
 * <p>A stub looked up through {@link Stubs} takes the keys of the registry stub it was looked up with, whatever the
 * process chose: a node's peers' stubs carry the node's key, and a test can hold stubs of several identities at once.
 */
public final class Credentials {
    /** The process's choice: keys, or null for plaintext. */
    private record Choice(KeyMaterial keys, String missing) {
        RMIClientSocketFactory sockets() {
            return keys == null && missing == null ? new TimeoutClientSocketFactory() : new TlsClientSocketFactory(keys, missing);
        }
    }

    private static final ThreadLocal<KeyMaterial> LOOKUP = new ThreadLocal<>();
    private static volatile Choice choice;
    private static volatile Prepared prepared;
    /** The key material {@link #choose} read last, and how its files stood before (their paths name the folder). */
    private static volatile Read lastRead;

    /**
     * Key material being read ahead of its use by {@link #prepare}: one role's files under one folder (absolute), and
     * how those files stood before they were read.
     */
    private record Prepared(Path resources, Role role, Future<Read> task) {
        /**
         * The key material read ahead, if it is {@code role}'s under {@code resources}, read, and its files as they stand
         * now ({@code files}, {@link #stamp}) unchanged since.
         */
        Optional<KeyMaterial> take(Path resources, Role role, List<String> files) {
            if (!this.resources.equals(canonical(resources)) || this.role != role) {
                return Optional.empty();
            }
            try {
                Read read = task.get();
                return read.files().equals(files) ? Optional.of(read.keys()) : Optional.empty();
            } catch (ExecutionException e) { // read again where it is needed: that read reports what is wrong
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** Key material, and how its files stood before it was read. */
    private record Read(KeyMaterial keys, List<String> files) {
    }

    private Credentials() {
    }

    /**
     * Starts reading {@code role}'s key from {@code ./resources/tls} and building its TLS context on a thread of its own,
     * so that a one-shot program does it while picocli reads its command line (a second core is idle then).
     * {@link #choose} takes the result if it asks for the same key and the files have not changed since; nothing is
     * reported from here: when the read fails, {@link #choose} reads again and reports that read's error, and with
     * {@code tls=off} the result is dropped.
     *
     * @return the reading, for a caller that wants to wait for it
     */
    public static Future<KeyMaterial> prepare(Role role) {
        return prepare(Path.of("resources"), role);
    }

    /** As {@link #prepare(Role)}, with the key from {@code resources/tls}. */
    public static Future<KeyMaterial> prepare(Path resources, Role role) {
        // supplyAsync completes the future whatever the reading throws, so choose never waits for a read that died
        CompletableFuture<Read> read = CompletableFuture.supplyAsync(() -> readAhead(resources, role), task -> {
            Thread reader = new Thread(task, "tls-" + role.label());
            reader.setDaemon(true);
            reader.start();
        });
        prepared = new Prepared(canonical(resources), role, read);
        return read.thenApply(Read::keys);
    }

    private static Read readAhead(Path resources, Role role) {
        try {
            List<String> files = stamp(canonical(resources), role);
            KeyMaterial keys = TlsFiles.under(resources).load(role, 0);
            keys.context(); // the context's own set-up: its providers, key and trust managers, the random source
            return new Read(keys, files);
        } catch (ConfigException | IOException e) {
            throw new CompletionException(e);
        }
    }

    private static Path canonical(Path resources) {
        return resources.toAbsolutePath().normalize();
    }

    /**
     * Each file a role's key material is read from, as it stands: its identity in the file system, size and time of last
     * change (or "none"). Shelf replaces a key file by renaming a new one over it, so a file written since has another.
     */
    private static List<String> stamp(Path resources, Role role) {
        List<String> files = new ArrayList<>();
        for (Path f : TlsFiles.under(resources).files(role, 0)) {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                files.add(f + " " + a.fileKey() + " " + a.size() + " " + a.lastModifiedTime()); // a new file: a new key
            } catch (IOException e) {
                files.add(f + " none");
            }
        }
        return files;
    }

    /** From now on, this process's TLS connections present {@code keys}. */
    public static void use(KeyMaterial keys) {
        choice = new Choice(keys, null);
    }

    /** From now on, this process's connections are plaintext ({@code tls=off}). */
    public static void usePlaintext() {
        choice = new Choice(null, null);
    }

    /**
     * Chooses what {@code config} asks for, unless this process has chosen already: plaintext for {@code tls=off},
     * else {@code role}'s key from {@code ./resources/tls}.
     *
     * @throws ConfigException when the key is missing, unreadable or expired, saying how to get one
     */
    public static void chooseIfAbsent(ClusterConfig config, Role role) throws ConfigException {
        if (choice != null) {
            return;
        }
        choose(config, role);
    }

    /** Chooses what {@code config} asks for, as {@link #chooseIfAbsent}, replacing an earlier choice. */
    public static void choose(ClusterConfig config, Role role) throws ConfigException {
        choose(config, role, Path.of("resources"));
    }

    /**
     * Chooses what {@code config} asks for, with {@code role}'s key from {@code resources/tls}. The same key chosen again,
     * its files unchanged, is the same key material (checked for expiry again): its TLS connections, which RMI pools
     * for a while after a call, are used again instead of a new handshake (the client agent's commands, one after
     * another).
     */
    public static void choose(ClusterConfig config, Role role, Path resources) throws ConfigException {
        Prepared ahead = prepared;
        prepared = null;
        if (config != null && !config.tls()) {
            usePlaintext();
            return;
        }
        Path where = canonical(resources);
        List<String> files = stamp(where, role);
        Read last = lastRead;
        KeyMaterial keys;
        if (last != null && last.files().equals(files) && isChosen(last.keys())) { // the paths name the role and folder
            keys = last.keys();
        } else {
            Optional<KeyMaterial> read = ahead == null ? Optional.empty() : ahead.take(resources, role, files);
            keys = read.isPresent() ? read.get() : TlsFiles.under(resources).load(role, 0);
        }
        use(keys.requireValid(java.time.Instant.now()));
        lastRead = new Read(keys, files);
    }

    private static boolean isChosen(KeyMaterial keys) {
        Choice c = choice;
        return c != null && c.keys() == keys;
    }

    /** The factory this process's registry lookups use: TLS with its keys, or plaintext. */
    public static RMIClientSocketFactory sockets() {
        return current().sockets();
    }

    /** The process's choice, making the default one if it made none. */
    private static Choice current() {
        Choice c = choice;
        if (c == null) {
            synchronized (Credentials.class) {
                if (choice == null) {
                    choice = defaults();
                }
                c = choice;
            }
        }
        return c;
    }

    /** What a program that chose nothing gets: what {@code ./nodes.properties} says, with the admin key of the folder. */
    private static Choice defaults() {
        try {
            ClusterConfig config = Files.exists(Path.of(ClusterConfig.DEFAULT_FILE))
                    ? ClusterConfig.load(Path.of(ClusterConfig.DEFAULT_FILE)) : null;
            choose(config, Role.ADMIN);
            return choice;
        } catch (ConfigException e) {
            return new Choice(null, e.getMessage());
        }
    }

    /** Runs a registry lookup whose resulting stub connects with {@code keys} (null: the process's). */
    static <T> T lookingUpWith(KeyMaterial keys, Callable<T> lookup) throws Exception {
        KeyMaterial before = LOOKUP.get();
        LOOKUP.set(keys);
        try {
            return lookup.call();
        } finally {
            LOOKUP.set(before);
        }
    }

    /** The factory of a TLS stub that arrives in this process: this lookup's keys, else the process's. */
    static TlsClientSocketFactory forArrivingStub() {
        KeyMaterial keys = LOOKUP.get();
        if (keys != null) {
            return new TlsClientSocketFactory(keys);
        }
        Choice c = current();
        return new TlsClientSocketFactory(c.keys(), c.keys() != null ? null : c.missing() != null ? c.missing()
                : "this process runs with tls=off, and the node it calls uses TLS (set tls=off or on everywhere alike)");
    }
}
