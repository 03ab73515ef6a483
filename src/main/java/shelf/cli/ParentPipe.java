package shelf.cli;

import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.util.ExitCodes;

/**
 * A node's tie to the {@code cluster} process that started it ({@code RmiNode --exit-with-parent}): that process holds
 * the write end of the node's standard input and never writes to it; when it ends, however it ends ({@code kill -9}
 * included), the operating system closes the pipe, a read returns end-of-file, and the node stops as on SIGTERM (its
 * shutdown hook closes the library). Immediate, and needs neither polling nor a pid that could be reused. (The cluster
 * process closes the pipe itself when it stops a node: {@link Process#destroy} closes the child's streams too.)
 */
final class ParentPipe {
    private static final Logger log = LoggerFactory.getLogger(ParentPipe.class);

    private ParentPipe() {
    }

    /** Starts a daemon thread that ends this JVM (exit code 0) when {@code in} reaches its end or fails. */
    static void exitWhenClosed(int nodeId, InputStream in) {
        Thread watcher = new Thread(() -> {
            drain(in);
            log.info("node {}: its pipe from the cluster process closed (that process ended, or is stopping its nodes); stopping",
                    nodeId);
            System.exit(ExitCodes.OK);
        }, "parent-pipe");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // the cluster process writes nothing; anything written is ignored
            }
        } catch (IOException e) {
            // a broken pipe means the same: the parent is gone
        }
    }
}
