package shelf.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import shelf.util.Texts;

/**
 * The cluster as {@code nodes.properties} describes it: the nodes by id, the protocol's timings, and where the
 * library's users are when user authentication is on ({@code users.file=resources/users.json}, or {@code users=postgresql}
 * for the library's database; off without either).
 *
 * <p>Immutable and thread-safe. Parsing is strict: every malformed line, duplicate id, duplicate
 * address, bad port or unknown key is an error that names the file and the line.
 */
public final class ClusterConfig {
    public static final String DEFAULT_FILE = "nodes.properties";
    /** The setting that turns user authentication on: the users file, relative to the working directory. */
    public static final String USERS_FILE = "users.file";
    /** The setting that turns user authentication on with the users in the library's database: {@code users=postgresql}. */
    public static final String USERS = "users";

    /** Where the library's users are: a file, the library's database, or nowhere (user authentication off). */
    private record Users(Path file, boolean database) {
    }

    private static final Pattern NODE_LINE = Pattern.compile("node\\.([^=\\s]*)\\s*=\\s*(.*)");
    private static final Pattern KEY_LINE = Pattern.compile("([A-Za-z0-9_.\\-]+)\\s*=\\s*(.*)");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:]+]");
    /** The numeric forms of an IPv4 address Java accepts without a name lookup (0, 127.1, 10.0.0.1). */
    private static final Pattern NUMERIC_HOST = Pattern.compile("[0-9]+(\\.[0-9]+){0,3}");

    /** The setting that turns TLS off: {@code tls=off} (the default is {@code tls=on}). */
    public static final String TLS = "tls";

    private final Map<Integer, NodeAddress> nodes;
    private final Timings timings;
    private final Users users;
    private final String source;
    private final boolean tls;
    private final ConnectionLimits limits;
    private final StoreConfig store;
    private final EventSettings events;
    private final LogSettings logs;
    /** The fingerprint's part that stands for the node list, and the most parts read of a peer's. */
    private static final String NODES_PART = "nodes";
    private static final int FINGERPRINT_PARTS = 16;

    /** The configuration of {@code nodes} with the other lines' {@code settings}, from {@code source}. */
    private ClusterConfig(Map<Integer, NodeAddress> nodes, Settings settings, String source) throws ConfigException {
        this.nodes = Collections.unmodifiableMap(new TreeMap<>(nodes));
        this.timings = settings.timings.build(source);
        this.users = settings.users(source);
        this.source = source;
        this.tls = settings.tls;
        this.limits = settings.limits.build(source);
        this.store = settings.store.build(source);
        this.events = settings.events;
        this.logs = settings.logs;
    }

    /** {@code base} with the library in {@code store}. */
    private ClusterConfig(ClusterConfig base, StoreConfig store) {
        this.nodes = base.nodes;
        this.timings = base.timings;
        this.users = base.users;
        this.source = base.source;
        this.tls = base.tls;
        this.limits = base.limits;
        this.store = store;
        this.events = base.events;
        this.logs = base.logs;
    }

    /** Reads and validates a configuration file: UTF-8 text (a byte-order mark is allowed). */
    public static ClusterConfig load(Path file) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": configuration file not found in " + absoluteFolder(file) + " (run from the"
                    + " cluster's folder or pass --config FILE; a new cluster's file has a line node.<id>=<host>:<port> per"
                    + " node, as node.1=127.0.0.1:5001; 'init --nodes 5' writes one for five nodes on this machine)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return parse(utf8Lines(bytes, file.toString()), file.toString());
    }

    /** The folder {@code file} is looked for in, as an absolute path (a relative one is the working directory's). */
    private static Path absoluteFolder(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        return parent != null ? parent : file.toAbsolutePath();
    }

    /** The lines of a file, decoded strictly: a byte that is not UTF-8 is an error naming the line. */
    private static List<String> utf8Lines(byte[] bytes, String source) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i < bytes.length && bytes[i] != '\n') {
                continue;
            }
            ByteBuffer in = ByteBuffer.wrap(bytes, start, i - start);
            CharBuffer out = CharBuffer.allocate(i - start);
            CoderResult result = decoder.reset().decode(in, out, true);
            if (result.isError()) {
                int column = in.position() - start + 1;
                throw new ConfigException(source + " line " + (lines.size() + 1) + ": byte 0x"
                        + String.format(Locale.US, "%02X", bytes[in.position()] & 0xff) + " (byte " + column + " of the line)"
                        + " is not UTF-8 text; save the file as UTF-8");
            }
            lines.add(out.flip().toString());
            start = i + 1;
        }
        return lines;
    }

    /** Parses the lines of a configuration; {@code source} names it in error messages. */
    public static ClusterConfig parse(List<String> lines, String source) throws ConfigException {
        Map<Integer, NodeAddress> nodes = new TreeMap<>();
        Map<String, Integer> seenAddresses = new TreeMap<>();
        Settings settings = new Settings();
        for (int i = 0; i < lines.size(); i++) {
            String line = (i == 0 ? withoutByteOrderMark(lines.get(i)) : lines.get(i)).strip();
            String where = source + " line " + (i + 1);
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            Matcher node = NODE_LINE.matcher(line);
            if (node.matches()) {
                NodeAddress address = parseNode(node.group(1), node.group(2).strip(), where);
                if (nodes.containsKey(address.id())) {
                    throw new ConfigException(where + ": node " + address.id() + " is listed twice");
                }
                Integer other = seenAddresses.putIfAbsent(address.toString(), address.id());
                if (other != null) {
                    throw new ConfigException(where + ": address " + address + " is already node " + other + "'s");
                }
                requireOwnAddress(nodes, address, where);
                nodes.put(address.id(), address);
                continue;
            }
            Matcher key = KEY_LINE.matcher(line);
            if (!key.matches()) {
                throw new ConfigException(where + ": expected node.<id>=<host>:<port> or <setting>=<value>, got '"
                        + Texts.visible(line) + "'");
            }
            settings.set(key.group(1), key.group(2).strip(), where);
        }
        if (nodes.isEmpty()) {
            throw new ConfigException(source + ": no nodes configured (expected lines like node.1=127.0.0.1:5001)");
        }
        return new ClusterConfig(nodes, settings, source);
    }

    /** The settings other than nodes, as the lines give them. */
    private static final class Settings {
        final Timings.Builder timings = Timings.builder();
        final ConnectionLimits.Builder limits = new ConnectionLimits.Builder();
        Path usersFile;
        boolean usersInDatabase;
        boolean tls = true;
        final StoreConfig.Builder store = new StoreConfig.Builder();
        EventSettings events = EventSettings.DEFAULTS;
        LogSettings logs = LogSettings.DEFAULTS;

        Users users(String source) throws ConfigException {
            if (usersFile != null && usersInDatabase) {
                throw new ConfigException(source + ": " + USERS_FILE + " and " + USERS + "=postgresql both say where the"
                        + " users are: keep one");
            }
            return new Users(usersFile, usersInDatabase);
        }

        void set(String key, String value, String where) throws ConfigException {
            if (store.set(key, value, where)) {
                return;
            } else if (EventSettings.has(key)) {
                events = events.with(key, value, where);
            } else if (key.equals(LogSettings.MAX_BYTES)) {
                logs = LogSettings.of(value, where);
            } else if (key.equals(USERS_FILE)) {
                usersFile = usersFile(value, where);
            } else if (key.equals(USERS)) {
                if (!value.equals("postgresql")) {
                    throw new ConfigException(where + ": " + USERS + " can only be postgresql (the users in the library's"
                            + " database), got '" + value + "'; a users file is " + USERS_FILE + "=FILE");
                }
                usersInDatabase = true;
            } else if (key.equals(TLS)) {
                tls = parseTls(value, where);
            } else if (ConnectionLimits.KEYS.containsKey(key)) {
                limits.set(key, value, where);
            } else {
                timings.set(key, value, where);
            }
        }
    }

    private static Path usersFile(String value, String where) throws ConfigException {
        if (value.isEmpty()) {
            throw new ConfigException(where + ": " + USERS_FILE + " needs a file, e.g. " + USERS_FILE + "=resources/users.json");
        }
        try {
            return Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException(where + ": " + USERS_FILE + " is not a valid path: '" + value + "'");
        }
    }

    private static boolean parseTls(String value, String where) throws ConfigException {
        return switch (value) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new ConfigException(where + ": tls must be on or off, got '" + value + "'");
        };
    }

    private static NodeAddress parseNode(String idText, String value, String where) throws ConfigException {
        int id;
        try {
            id = Integer.parseInt(idText);
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": node id '" + idText + "' is not a positive integer");
        }
        if (id <= 0) {
            throw new ConfigException(where + ": node id " + id + " is not a positive integer");
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new ConfigException(where + ": node " + id + " needs <host>:<port>, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (!HOST.matcher(host).matches()) {
            throw new ConfigException(where + ": node " + id + " has an invalid host '" + Texts.visible(host) + "'");
        }
        if (isWildcard(host)) {
            throw new ConfigException(where + ": node " + id + " has host " + host + ", which is no address to dial: peers and"
                    + " clients connect to a node's host, and a node listens on that address only; give the address of"
                    + " the node's machine (127.0.0.1 for a cluster on one machine)");
        }
        String portText = value.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": node " + id + " has a port that is not a number: '" + portText + "'");
        }
        if (port < 1 || port > 65535) {
            throw new ConfigException(where + ": node " + id + " has port " + port + ", outside 1-65535");
        }
        return new NodeAddress(id, host, port);
    }

    /** A first line without the byte-order mark some editors write at the start of a UTF-8 file. */
    private static String withoutByteOrderMark(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    /** 0.0.0.0, [::] and their other spellings: "every interface", not an address of one machine. */
    private static boolean isWildcard(String host) {
        boolean literal = host.startsWith("[") || NUMERIC_HOST.matcher(host).matches();
        if (!literal) {
            return false;
        }
        try {
            return InetAddress.getByName(unbracketed(host)).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** An IPv6 literal without its brackets, for {@link InetAddress}; any other host as it is. */
    private static String unbracketed(String host) {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /**
     * Two nodes cannot listen on one address: the same port on hosts that are the same machine address, compared by
     * what they resolve to (localhost and 127.0.0.1 are one), not as text. A host that does not resolve here is
     * compared as text (a client may not resolve every node's name).
     */
    private static void requireOwnAddress(Map<Integer, NodeAddress> nodes, NodeAddress address, String where)
            throws ConfigException {
        for (NodeAddress other : nodes.values()) {
            if (other.port() != address.port()) {
                continue;
            }
            Set<InetAddress> shared = resolve(address.host());
            shared.retainAll(resolve(other.host()));
            if (other.host().equalsIgnoreCase(address.host()) || !shared.isEmpty()) {
                String same = shared.isEmpty() ? "" : ": both are " + shared.iterator().next().getHostAddress() + ":"
                        + address.port();
                throw new ConfigException(where + ": address " + address + " is already node " + other.id() + "'s ("
                        + other + ")" + same);
            }
        }
    }

    private static Set<InetAddress> resolve(String host) {
        try {
            return new HashSet<>(Arrays.asList(InetAddress.getAllByName(unbracketed(host))));
        } catch (UnknownHostException e) {
            return new HashSet<>();
        }
    }

    public Map<Integer, NodeAddress> nodes() {
        return nodes;
    }

    public Optional<NodeAddress> node(int id) {
        return Optional.ofNullable(nodes.get(id));
    }

    /**
     * The address of node {@code id}.
     *
     * @throws ConfigException "node ID is not in FILE (configured ids: [...])" when the file does not list it
     */
    public NodeAddress require(int id) throws ConfigException {
        NodeAddress address = nodes.get(id);
        if (address == null) {
            throw new ConfigException("node " + id + " is not in " + source + " (configured ids: " + ids() + ")");
        }
        return address;
    }

    public List<Integer> ids() {
        return List.copyOf(nodes.keySet());
    }

    public Timings timings() {
        return timings;
    }

    /** A node's limits on the connections it holds and the bytes a call carries. */
    public ConnectionLimits limits() {
        return limits;
    }

    /**
     * The users file when user authentication is on: every node reads it (so it lives in the shared library folder),
     * and a node then refuses requests made on another user's behalf. Empty: off, and {@code -u USER} is trusted.
     */
    public Optional<Path> usersFile() {
        return Optional.ofNullable(users.file());
    }

    /**
     * True when {@code users=postgresql}: user authentication is on, with the users in the library's database (which
     * needs {@code store=postgresql}), so that every host sees each change at once.
     */
    public boolean usersInDatabase() {
        return users.database();
    }

    /** False only when the file says {@code tls=off}: plaintext, unauthenticated connections. */
    public boolean tls() {
        return tls;
    }

    /** Where the library lives: the shared folder ({@code store=file}, the default) or PostgreSQL. */
    public StoreConfig store() {
        return store;
    }

    /** This configuration with the library in {@code store} instead (tests and {@code cluster --store}). */
    public ClusterConfig withStore(StoreConfig store) {
        return new ClusterConfig(this, store);
    }

    /** Whether nodes record their events, and how much they keep ({@code events}, {@code events.max.bytes}). */
    public EventSettings events() {
        return events;
    }

    /** How much of its log a node keeps on disk ({@code log.max.bytes}). */
    public LogSettings logs() {
        return logs;
    }

    /** Where this configuration came from, for messages. */
    public String source() {
        return source;
    }

    /**
     * What peers compare when they first talk, to name a node started with another file in a warning: a hash of the node
     * list, then the protocol's settings, as {@code nodes=1a2b3c4d heartbeat.interval.ms=200 failure.timeout.ms=1000 …}.
     */
    public String peerFingerprint() {
        StringBuilder b = new StringBuilder(NODES_PART).append('=')
                .append(Integer.toHexString(nodes.values().toString().hashCode()));
        timings.settings().forEach((key, value) -> b.append(' ').append(key).append('=').append(value));
        return b.toString();
    }

    /**
     * How a peer's fingerprint ({@link #peerFingerprint}) differs from this configuration's: {@code "nodes"} first when
     * the node lists differ (or the peer's has none), then one {@code key=theirs (here ours)} per setting that differs.
     * The peer's text is only printed, never acted on: at most {@link #FINGERPRINT_PARTS} parts are read, each clipped.
     */
    public List<String> differencesFrom(String theirs) {
        Map<String, String> ours = parts(peerFingerprint());
        Map<String, String> them = parts(theirs);
        List<String> differences = new ArrayList<>();
        if (!ours.get(NODES_PART).equals(them.get(NODES_PART))) {
            differences.add(NODES_PART);
        }
        ours.forEach((key, value) -> {
            String their = them.get(key);
            if (!key.equals(NODES_PART) && their != null && !their.equals(value)) {
                differences.add(key + "=" + Texts.quoted(their) + " (here " + value + ")");
            }
        });
        return differences;
    }

    private static Map<String, String> parts(String fingerprint) {
        Map<String, String> parts = new LinkedHashMap<>();
        String[] words = fingerprint.split(" ", FINGERPRINT_PARTS + 1);
        for (int i = 0; i < Math.min(words.length, FINGERPRINT_PARTS); i++) {
            int eq = words[i].indexOf('=');
            if (eq > 0) {
                parts.putIfAbsent(words[i].substring(0, eq), words[i].substring(eq + 1));
            }
        }
        return parts;
    }
}
