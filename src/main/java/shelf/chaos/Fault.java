package shelf.chaos;

/**
 * One fault the nemesis injected, as one line of {@code faults.jsonl}: in force from {@code startNs} to {@code endNs}
 * (nanoseconds since the run began, as {@link Operation}'s times).
 *
 * @param kind   what was done ({@link FaultKind})
 * @param detail to whom: "node 5 (the coordinator)", "1,2/3,4,5"
 */
public record Fault(FaultKind kind, String detail, long startNs, long endNs) {

    boolean covers(long ns) {
        return ns >= startNs && ns < endNs;
    }
}
