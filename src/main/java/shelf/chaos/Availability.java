package shelf.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figures (d), not a pass or fail: the share of operations the cluster answered, and the longest stretches without a
 * coordinator and without a grant, overall and per fault kind (a stretch counts for the fault in force when it began;
 * {@code none} between faults).
 */
public final class Availability {
    static final String NO_FAULT = "none";

    private Availability() {
    }

    /** One look at the cluster by the watcher: whether a coordinator was serving grants then. */
    record Sample(long ns, boolean coordinator) {
    }

    /**
     * The figures of one fault kind (or of the whole run).
     *
     * @param operations      operations invoked while it was in force
     * @param ok              of which acknowledged
     * @param refused         of which refused by the library's rules (an answer too)
     * @param unknown         of which no node answered in time
     * @param answeredShare   (ok + refused) / operations, 1 when there were none
     * @param noCoordinatorMs the longest time the watcher saw no coordinator serving
     * @param noGrantMs       the longest time between two acknowledged changes (each needed a grant)
     */
    public record Figures(long operations, long ok, long refused, long unknown, double answeredShare, long noCoordinatorMs,
                   long noGrantMs) {
    }

    /** "all", then each fault kind seen (and {@code none}), each with its figures. */
    static Map<String, Figures> of(List<Operation> operations, List<Fault> faults, List<Sample> samples, long endNs) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, Long> noCoordinator = new LinkedHashMap<>();
        Map<String, Long> noGrant = new LinkedHashMap<>();
        for (Operation o : operations) {
            long[] c = counts.computeIfAbsent(faultAt(faults, o.invokeNs()), k -> new long[4]);
            long[] all = counts.computeIfAbsent("all", k -> new long[4]);
            for (long[] x : List.of(c, all)) {
                x[0]++;
                x[1 + o.result().ordinal()]++;
            }
        }
        gaps(coordinatorOutages(samples, endNs), faults, noCoordinator);
        gaps(grantGaps(operations, endNs), faults, noGrant);
        Map<String, Figures> figures = new LinkedHashMap<>();
        List<String> kinds = new ArrayList<>(List.of("all"));
        counts.keySet().stream().filter(k -> !k.equals("all")).sorted().forEach(kinds::add);
        noCoordinator.keySet().stream().filter(k -> !kinds.contains(k)).forEach(kinds::add);
        for (String k : kinds) {
            long[] c = counts.getOrDefault(k, new long[4]);
            double share = c[0] == 0 ? 1.0 : (double) (c[1] + c[2]) / c[0];
            figures.put(k, new Figures(c[0], c[1], c[2], c[3], Math.round(share * 10_000) / 10_000.0,
                    noCoordinator.getOrDefault(k, 0L), noGrant.getOrDefault(k, 0L)));
        }
        return figures;
    }

    /** The fault in force at {@code ns}, or {@link #NO_FAULT}. */
    static String faultAt(List<Fault> faults, long ns) {
        return faults.stream().filter(f -> f.covers(ns)).findFirst().map(f -> f.kind().label()).orElse(NO_FAULT);
    }

    /** Stretches [start, end) in nanoseconds. */
    private record Gap(long start, long end) {
    }

    /** Adds the longest gap per fault kind at its start, and overall, to {@code longest} (milliseconds). */
    private static void gaps(List<Gap> gaps, List<Fault> faults, Map<String, Long> longest) {
        for (Gap g : gaps) {
            long ms = (g.end - g.start) / 1_000_000;
            longest.merge(faultAt(faults, g.start), ms, Math::max);
            longest.merge("all", ms, Math::max);
        }
    }

    private static List<Gap> coordinatorOutages(List<Sample> samples, long endNs) {
        List<Gap> gaps = new ArrayList<>();
        Long since = null;
        for (Sample s : samples) {
            if (!s.coordinator() && since == null) {
                since = s.ns();
            } else if (s.coordinator() && since != null) {
                gaps.add(new Gap(since, s.ns()));
                since = null;
            }
        }
        if (since != null) {
            gaps.add(new Gap(since, endNs));
        }
        return gaps;
    }

    private static List<Gap> grantGaps(List<Operation> operations, long endNs) {
        List<Long> acks = operations.stream().filter(o -> o.result() == Result.OK).map(Operation::completeNs)
                .sorted(Comparator.naturalOrder()).toList();
        List<Gap> gaps = new ArrayList<>();
        if (acks.isEmpty()) {
            return List.of(new Gap(0, endNs));
        }
        for (int i = 1; i < acks.size(); i++) { // from the first acknowledgement on: the clients' start is no outage
            gaps.add(new Gap(acks.get(i - 1), acks.get(i)));
        }
        gaps.add(new Gap(acks.get(acks.size() - 1), Math.max(acks.get(acks.size() - 1), endNs)));
        return gaps;
    }
}
