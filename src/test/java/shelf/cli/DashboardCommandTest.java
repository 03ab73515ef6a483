package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.util.ExitCodes;

/** {@code shelf dashboard}'s bad input: one line and exit code 2, no stack trace. */
class DashboardCommandTest {
    private static List<String> errorLines(Path config, String... options) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String[] args = new String[options.length + 2];
            args[0] = "--config";
            args[1] = config.toString();
            System.arraycopy(options, 0, args, 2, options.length);
            assertEquals(ExitCodes.USAGE, Cli.run(new DashboardCommand(), args));
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aPortInUseIsOneLineThatSaysWhatToDo(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("nodes.properties");
        Files.write(config, List.of("node.1=127.0.0.1:1", "tls=off"));
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<String> lines = errorLines(config, "--port", String.valueOf(taken.getLocalPort()));
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), lines.toString());
            assertTrue(lines.get(0).endsWith("choose another --port, or --port 0 for a free one"), lines.toString());
        }
        assertEquals(1, errorLines(config, "--port", "70000").size());
    }
}
