package shelf.chaos;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import shelf.library.Book;
import shelf.library.HistoryRecord;
import shelf.library.Op;

/**
 * The checks of a run and its availability figures: {@code verdict.json}, and the document {@code chaos --json} prints.
 *
 * @param ok           whether every check passed
 * @param seed         the seed of the fault schedule, to repeat the run
 * @param checks       by name, in the order they were made
 * @param availability {@code all}, then per fault kind
 */
public record Verdict(boolean ok, long seed, Map<String, Check> checks, Map<String, Availability.Figures> availability) {

    /** What the checker reads: what the clients saw, what the nemesis did, what the cluster says at the end. */
    record Evidence(List<Operation> operations, List<Fault> faults, List<Availability.Sample> samples, long endNs,
                    List<HistoryRecord> history, Map<Integer, List<Book>> libraries) {
    }

    /** Every check of {@code evidence} (a to c), plus {@code extra} checks made by the run (the cluster settled). */
    static Verdict of(long seed, Evidence evidence, List<Check> extra) {
        List<Check> all = new ArrayList<>(extra);
        all.add(Acknowledgements.check(evidence.operations(), evidence.history()));
        all.addAll(Replay.check(evidence.history(), evidence.libraries()));
        Set<String> applied = new HashSet<>();
        evidence.history().stream().filter(r -> r.op() != Op.FENCE).forEach(r -> applied.add(r.requestId()));
        all.add(Linearizability.check(evidence.operations(), applied));
        Map<String, Check> byName = new LinkedHashMap<>();
        all.forEach(c -> byName.put(c.name(), c));
        return new Verdict(all.stream().allMatch(Check::ok), seed, byName,
                Availability.of(evidence.operations(), evidence.faults(), evidence.samples(), evidence.endNs()));
    }

    /** A run that could not be checked: the one failed check says why. */
    static Verdict failed(long seed, Check why) {
        return new Verdict(false, seed, Map.of(why.name(), why), Map.of());
    }

    /** The names of the checks that failed. */
    public List<String> failedChecks() {
        return checks.values().stream().filter(c -> !c.ok()).map(Check::name).toList();
    }
}
