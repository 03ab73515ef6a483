package shelf.chaos;

import java.nio.file.Path;
import java.util.List;

/**
 * What one chaos run does ({@code chaos --help}).
 *
 * @param seconds    how long faults are injected (the run takes longer: start, settle, check)
 * @param clients    how many clients run at once
 * @param nodes      how many nodes the cluster has
 * @param faults     the fault kinds to draw from
 * @param seed       the seed of the fault schedule and of the clients' choices
 * @param report     the folder the report goes to
 * @param jvmOptions each node's JVM options
 * @param postgresql the library in an embedded PostgreSQL (its store fault: the database stopped) instead of files
 */
public record ChaosOptions(int seconds, int clients, int nodes, List<FaultKind> faults, long seed, Path report,
                           List<String> jvmOptions, boolean postgresql) {

    public ChaosOptions {
        faults = List.copyOf(faults);
        jvmOptions = List.copyOf(jvmOptions);
    }

    /** Books in the library: one per client, so clients contend for them and the linearizability check has work. */
    int books() {
        return Math.max(2, clients);
    }
}
