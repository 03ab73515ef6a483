package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import shelf.chaos.Availability;
import shelf.chaos.Check;
import shelf.chaos.Verdict;
import shelf.util.ExitCodes;

/** {@code chaos} with bad options: one line naming the mistake, the usage exit code, and no cluster started; its verdict. */
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
        "--store files       | chaos: --store must be file or postgresql, got 'files'",
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

    @Test
    void theAvailabilityColumnsLineUpWhateverTheFaultKindsNames() {
        Map<String, Availability.Figures> availability = new LinkedHashMap<>();
        availability.put("all", new Availability.Figures(300, 100, 190, 10, 290 / 300.0, 1482, 6214));
        availability.put("kill", new Availability.Figures(100, 40, 60, 0, 1, 523, 101));
        availability.put("netpartition", new Availability.Figures(200, 60, 130, 10, 190 / 200.0, 0, 1263));
        Verdict verdict = new Verdict(true, 82, Map.of("recovered", new Check("recovered", true, "agreed", List.of())),
                availability);
        StringWriter text = new StringWriter();
        ChaosCommand.printText(verdict, Path.of("/tmp/r"), new PrintWriter(text, true));

        List<String> rows = text.toString().lines().filter(l -> l.contains(" operations, ")).toList();
        assertEquals(3, rows.size(), text.toString());
        assertEquals("    netpartition    200 operations,  95.0% answered (60 ok, 130 refused, 10 unknown); 0 ms / 1263 ms",
                rows.get(2));
        assertEquals(1, rows.stream().map(r -> r.indexOf(" operations, ")).distinct().count(), text.toString());
        assertTrue(text.toString().startsWith("chaos verdict: PASS, seed 82\n  ok   recovered          agreed\n"),
                text.toString());
    }
}
