package shelf.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the nodes agree, as their own logs tell it: each node's last role line of this run ({@code role … ->
 * FOLLOWER of node C in epoch E}, {@code role … -> COORDINATOR (epoch E)}) and the coordinator's {@code lock table
 * recovered for epoch E}, the same transitions a node's status reports, logged by its protocol thread as they happen.
 * {@code cluster} reads them from the files it follows anyway: asking each starting node over TLS instead cost the
 * nodes a handshake and a status call every 50 ms while they started (BENCHMARKS.md, "The cluster's start").
 *
 * <p>It knows nothing when a log says nothing (nodes logging at WARN) or was rolled or truncated since: then
 * {@link #coordinator} stays empty and the caller asks the nodes. One thread at a time.
 */
public final class LogAgreement {
    private static final int READ_AT_MOST = 1 << 20;
    /** A role line as {@code BullyElection} writes it: the new role, its coordinator if it follows, the epoch. */
    private static final Pattern ROLE = Pattern.compile("^node \\d+: role (?:[A-Z]+|FOLLOWER of node -?\\d+) -> "
            + "(?:FOLLOWER of node (\\d+) in epoch (\\d+)|([A-Z]+) \\(epoch (\\d+)\\))(?: \\[|$)");
    private static final Pattern RECOVERED = Pattern.compile("^node \\d+: lock table recovered for epoch (\\d+): ");

    /** A node's view: the coordinator it follows (itself when it leads) in an epoch; null while it has none. */
    private record View(int coordinator, long epoch) {
    }

    private final Path logs;
    private final Map<Integer, Long> read = new HashMap<>();
    private final Map<Integer, String> partial = new HashMap<>();
    private final Map<Integer, View> views = new HashMap<>();
    private final Map<Integer, Set<Long>> serving = new HashMap<>();
    private boolean lost;

    /**
     * @param logs the folder of {@code node-<id>.log}
     * @param from where this run's lines begin in each node's log (its size before the node started)
     */
    public LogAgreement(Path logs, Map<Integer, Long> from) {
        this.logs = logs;
        this.read.putAll(from);
    }

    /** The coordinator every node of {@code ids} follows in one epoch, whose lock server serves, if the logs say so. */
    public Optional<Integer> coordinator(List<Integer> ids) {
        for (int id : ids) {
            readNew(id);
        }
        if (lost) {
            return Optional.empty();
        }
        View first = views.get(ids.get(0));
        if (first == null || !ids.contains(first.coordinator())) {
            return Optional.empty();
        }
        for (int id : ids) {
            if (!first.equals(views.get(id))) {
                return Optional.empty();
            }
        }
        boolean servingNow = serving.getOrDefault(first.coordinator(), Set.of()).contains(first.epoch());
        return servingNow ? Optional.of(first.coordinator()) : Optional.empty();
    }

    /** Reads what node {@code id} logged since the last call, a line at a time. */
    private void readNew(int id) {
        long from = read.getOrDefault(id, 0L);
        try (RandomAccessFile in = new RandomAccessFile(logs.resolve("node-" + id + ".log").toFile(), "r")) {
            long length = in.length();
            if (length < from) {
                lost = true; // rolled or truncated: what it said before is gone
                return;
            }
            int size = (int) Math.min(length - from, READ_AT_MOST);
            if (size == 0) {
                return;
            }
            byte[] bytes = new byte[size];
            in.seek(from);
            in.readFully(bytes);
            read.put(id, from + size);
            String text = partial.getOrDefault(id, "") + new String(bytes, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            partial.put(id, text.substring(end + 1));
            if (end >= 0) {
                text.substring(0, end).lines().forEach(line -> take(id, line));
            }
        } catch (IOException e) {
            // not written yet: nothing to say
        }
    }

    private void take(int id, String line) {
        if (!line.startsWith("node " + id + ": ")) {
            return;
        }
        Matcher recovered = RECOVERED.matcher(line);
        if (recovered.find()) {
            serving.computeIfAbsent(id, k -> new HashSet<>()).add(Long.parseLong(recovered.group(1)));
            return;
        }
        Matcher role = ROLE.matcher(line);
        if (!role.find()) {
            return;
        }
        if (role.group(1) != null) {
            views.put(id, new View(Integer.parseInt(role.group(1)), Long.parseLong(role.group(2))));
        } else if ("COORDINATOR".equals(role.group(3))) {
            views.put(id, new View(id, Long.parseLong(role.group(4))));
        } else {
            views.remove(id); // a candidate: no coordinator
        }
    }
}
