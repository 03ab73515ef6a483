package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import shelf.util.ExitCodes;

/** {@code chaos} with bad options: one line naming the mistake, the usage exit code, and no cluster started. */
class ChaosCommandTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--faults kill,flood  | chaos: --faults: unknown fault 'flood' (known: kill, pause, restart, partition, drop, delay,"
                + " store, netpartition)",
        "--faults all,kill --nodes 7 | chaos: --faults netpartition takes at most 5 nodes (127.0.0.11-15), got 7",
        "--seconds 0         | chaos: --seconds must be between 1 and 86400, got 0",
        "--clients 0         | chaos: --clients must be between 1 and 64, got 0",
        "--nodes 1           | chaos: --nodes must be between 2 and 9, got 1",
        "--seed abc          | chaos: Invalid value for option '--seed': 'abc' is not a long",
    })
    void aBadOptionIsOneLineAndTheUsageCode(String args, String message) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = Cli.commandLine(new ChaosCommand());
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args.split(" "));
        assertEquals(ExitCodes.USAGE, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith(message + " (see: chaos --help)"), err.toString());
        assertEquals("", out.toString());
    }
}
