package shelf.chaos;

import java.util.List;

/**
 * One check of the verdict.
 *
 * @param name     its name in the verdict ({@code acknowledged-once}, {@code linearizable}, ...)
 * @param ok       whether it passed
 * @param summary  one line: what was checked, or what went wrong first
 * @param problems each violation found, one line each (at most {@link #MAX_PROBLEMS})
 */
public record Check(String name, boolean ok, String summary, List<String> problems) {
    /** More than this many violations of one check are counted, not listed. */
    public static final int MAX_PROBLEMS = 20;

    /** A check whose problems are {@code problems} (passed when there are none). */
    static Check of(String name, String passed, List<String> problems) {
        if (problems.isEmpty()) {
            return new Check(name, true, passed, List.of());
        }
        String summary = problems.size() + " violation" + (problems.size() == 1 ? "" : "s") + ", the first: " + problems.get(0);
        return new Check(name, false, summary, List.copyOf(problems.subList(0, Math.min(MAX_PROBLEMS, problems.size()))));
    }
}
