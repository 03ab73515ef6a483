package shelf.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster as {@code nodes.properties} describes it: the nodes by id and the protocol's timings.
 *
 * <p>Immutable and thread-safe. Parsing is strict: every malformed line, duplicate id, duplicate
 * address, bad port or unknown key is an error that names the file and the line.
 */
public final class ClusterConfig {
    public static final String DEFAULT_FILE = "nodes.properties";

    private static final Pattern NODE_LINE = Pattern.compile("node\\.([^=\\s]*)\\s*=\\s*(.*)");
    private static final Pattern KEY_LINE = Pattern.compile("([A-Za-z0-9_.]+)\\s*=\\s*(.*)");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:]+]");

    /** The setting that turns TLS off: {@code tls=off} (the default is {@code tls=on}). */
    public static final String TLS = "tls";

    private final Map<Integer, NodeAddress> nodes;
    private final Timings timings;
    private final String source;
    private final boolean tls;

    public ClusterConfig(Map<Integer, NodeAddress> nodes, Timings timings, String source) {
        this(nodes, timings, source, true);
    }

    public ClusterConfig(Map<Integer, NodeAddress> nodes, Timings timings, String source, boolean tls) {
        this.nodes = Collections.unmodifiableMap(new TreeMap<>(nodes));
        this.timings = timings;
        this.source = source;
        this.tls = tls;
    }

    /** Reads and validates a configuration file. */
    public static ClusterConfig load(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file
                    + ": configuration file not found (run from the cluster's folder or pass --config FILE)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return parse(lines, file.toString());
    }

    /** Parses the lines of a configuration; {@code source} names it in error messages. */
    public static ClusterConfig parse(List<String> lines, String source) throws ConfigException {
        Map<Integer, NodeAddress> nodes = new TreeMap<>();
        Map<String, Integer> seenAddresses = new TreeMap<>();
        Timings.Builder timings = Timings.builder();
        boolean tls = true;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
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
                nodes.put(address.id(), address);
                continue;
            }
            Matcher key = KEY_LINE.matcher(line);
            if (!key.matches()) {
                throw new ConfigException(where + ": expected node.<id>=<host>:<port> or <setting>=<value>, got '" + line + "'");
            }
            if (key.group(1).equals(TLS)) {
                tls = parseTls(key.group(2).strip(), where);
                continue;
            }
            timings.set(key.group(1), key.group(2).strip(), where);
        }
        if (nodes.isEmpty()) {
            throw new ConfigException(source + ": no nodes configured (expected lines like node.1=127.0.0.1:5001)");
        }
        return new ClusterConfig(nodes, timings.build(source), source, tls);
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
            throw new ConfigException(where + ": node " + id + " has an invalid host '" + host + "'");
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

    /** False only when the file says {@code tls=off}: plaintext, unauthenticated connections. */
    public boolean tls() {
        return tls;
    }

    /** Where this configuration came from, for messages. */
    public String source() {
        return source;
    }

    /** A short fingerprint of the membership, to warn when peers run with a different file. */
    public String membershipFingerprint() {
        return Integer.toHexString(nodes.values().toString().hashCode());
    }
}
