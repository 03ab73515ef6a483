package shelf.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.OptionalLong;
import shelf.cluster.ClusterLock;
import shelf.config.ClusterConfig;
import shelf.config.NodeAddress;
import shelf.util.ExitCodes;

/**
 * The refusal of {@code init --force} and {@code store copy --force} to replace a library under running nodes: they
 * would go on with the old library in memory and write into the new one. Exit code 1, nothing written.
 */
final class RunningNodes {
    /** How long a node's port has to accept a connection to count as a running node. */
    private static final int PROBE_MS = 500;

    private RunningNodes() {
    }

    /** Refuses when a {@code cluster} process runs {@code folder} (null: no folder to check). */
    static void refuseCluster(Path folder, String library) throws IOException {
        OptionalLong cluster = folder == null ? OptionalLong.empty() : ClusterLock.owner(folder);
        if (cluster.isPresent()) {
            throw new CliException(ExitCodes.REFUSED, "a cluster is running in " + folder + " (pid " + cluster.getAsLong()
                    + ") on the library in " + library + ": stop it first ('cluster stop'), then replace the library");
        }
    }

    /** Refuses when a node of {@code cluster} answers on its port. */
    static void refuseNodes(ClusterConfig cluster, String library) {
        for (NodeAddress node : cluster.nodes().values()) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(node.host(), node.port()), PROBE_MS);
                throw new CliException(ExitCodes.REFUSED, "node " + node.id() + " is running (" + node + " answers) on the"
                        + " library in " + library + ": stop every node first, then replace the library");
            } catch (IOException e) {
                // nothing listens there: that node is not running
            }
        }
    }
}
