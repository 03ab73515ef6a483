package shelf.dashboard;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import shelf.cluster.ClusterLock;
import shelf.cluster.ControlChannel;
import shelf.cluster.ControlChannel.Response;

/**
 * The node processes' owner, when there is one: {@code pause ID}, {@code resume ID} and {@code restart ID} are asked of
 * the {@code cluster} process that started the nodes (pause and resume are its SIGSTOP and SIGCONT, restart its stop and
 * start). A dashboard that {@code cluster} runs asks it in-process; one started by itself asks the folder's running
 * cluster over its {@link ControlChannel}, and without one says that these controls need it.
 */
@FunctionalInterface
public interface ProcessControl {
    /** How long a control may take: a restart stops the node (up to 10 s) and starts a JVM. */
    Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * Asks the owner to act; blocks until it has.
     *
     * @param command {@code pause ID}, {@code resume ID} or {@code restart ID}
     */
    Response ask(String command) throws IOException, InterruptedException;

    /** The cluster process of folder {@code dir}, reached over its control channel (not from that process itself). */
    static ProcessControl channel(Path dir) {
        return command -> {
            OptionalLong owner = ClusterLock.owner(dir);
            if (owner.isEmpty()) {
                throw new IOException("no cluster runs in " + dir + ": pause, resume and restart need the nodes to be"
                        + " started by 'cluster'");
            }
            return ControlChannel.of(dir).send(command, TIMEOUT);
        };
    }
}
