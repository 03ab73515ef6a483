package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's side of {@code bin/shelf}'s hand-over: the request it believes, and what it sends back. */
class ClientAgentTest {
    private static final String PROOF = "0a1b2c";

    /** A request as the launcher writes it: lengths in bytes. */
    private static byte[] wire(String proof, String program, List<String> args, String pin) {
        StringBuilder b = new StringBuilder(proof + "\n" + program + "\n" + args.size() + "\n");
        for (String a : args) {
            b.append(a.getBytes(StandardCharsets.UTF_8).length).append('\n').append(a).append('\n');
        }
        b.append(pin == null ? "-1\n" : pin.getBytes(StandardCharsets.UTF_8).length + "\n" + pin + "\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static AgentRequest read(byte[] bytes) throws IOException {
        return AgentRequest.read(new ByteArrayInputStream(bytes), PROOF);
    }

    private static String sent(AgentRequest request) throws IOException {
        Transcript t = new Transcript();
        int code = ClientAgent.run(request, t);
        if (code == ClientAgent.HAND_BACK) {
            return "handed back";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        t.send(out, code);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRequestArrivesAsTyped() throws Exception {
        List<String> args = List.of("-u", "zoë", "-n", "1", "borrow", "two\nlines", "");
        AgentRequest r = read(wire(PROOF, "RmiClient", args, "12 34"));
        assertEquals("RmiClient", r.program());
        assertEquals(args, r.args());
        assertEquals("12 34", r.pin());
        assertNull(read(wire(PROOF, "RmiClient", List.of(), null)).pin());
        assertTrue(!r.toString().contains("12 34"), "the PIN is never in the request's text: " + r);
    }

    @Test
    void nothingIsBelievedFromACallerWithoutTheProof() {
        AgentRequest.Malformed e = assertThrows(AgentRequest.Stranger.class,
                () -> read(wire("0a1b2d", "RmiClient", List.of("list"), null)));
        assertEquals("a caller without the launcher's proof", e.getMessage());
    }

    @Test
    void countsAndLengthsOutOfBoundsAreRefusedBeforeAnythingIsRead() {
        String tooMany = PROOF + "\nRmiClient\n" + (AgentRequest.MAX_ARGS + 1) + "\n";
        String tooLong = PROOF + "\nRmiClient\n1\n" + (AgentRequest.MAX_BYTES + 1) + "\n";
        String negative = PROOF + "\nRmiClient\n1\n-1\n";
        String shortField = PROOF + "\nRmiClient\n1\n10\nlist\n";
        String notAnumber = PROOF + "\nRmiClient\nmany\n";
        String otherProgram = PROOF + "\nCreateBooks\n0\n-1\n";
        String endless = PROOF + "\n" + "R".repeat(10_000);
        for (String bad : List.of(tooMany, tooLong, negative, shortField, notAnumber, otherProgram, endless)) {
            AgentRequest.Malformed e = assertThrows(AgentRequest.Malformed.class,
                    () -> read(bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertTrue(!(e instanceof AgentRequest.Stranger), "the launcher's, handed back: " + bad);
        }
    }

    @Test
    void helpIsPrintedToTheCallerNotTheAgentsOwnOutput() throws Exception {
        String sent = sent(new AgentRequest("RmiClient", List.of("--help"), null));
        assertTrue(sent.matches("(?s)x 0\no \\d+\nUsage: RmiClient \\[-hV].*\nend\n"), sent);
    }

    @Test
    void aUsageErrorIsOneLineOnStandardErrorWithItsExitCode() throws Exception {
        String sent = sent(new AgentRequest("RmiClient", List.of("-u", "no spaces", "-n", "1", "list"), null));
        String line = "RmiClient: invalid user name 'no spaces': use 1-64 letters, digits, '.', '_' or '-'\n";
        assertEquals("x 2\ne " + line.length() + "\n" + line + "end\n", sent);
    }

    @Test
    void thePromptIsHandedBackToAJvmOfItsOwn() throws Exception {
        assertEquals("handed back", sent(new AgentRequest("RmiClient", List.of("-u", "alice", "-n", "1"), null)));
    }

    @Test
    void stoppingAFoldersAgentsRemovesTheirFilesAndNothingElse(@TempDir Path folder) throws Exception {
        Path resources = Files.createDirectories(folder.resolve("resources"));
        for (String name : List.of("client-agent.vm", "client-agent.other-host", "client-agent.vm.lock", "catalog.json")) {
            Files.writeString(resources.resolve(name), "x");
        }
        assertEquals(2, ClientAgent.stopAgentsOf(folder));
        try (var left = Files.list(resources)) {
            assertEquals(List.of("catalog.json", "client-agent.vm.lock"),
                    left.map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertEquals(0, ClientAgent.stopAgentsOf(folder.resolve("nothing here")));
    }

    @Test
    void theExitCodeComesFirstThenEachStreamsBytesInTheOrderWritten() throws Exception {
        Transcript t = new Transcript();
        t.out().println("first");
        t.err().print("sec");
        t.out().println("third");
        t.err().println("ond");
        t.out().print("no newline");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        t.send(out, 1);
        assertEquals("x 1\no 6\nfirst\ne 3\nseco 6\nthird\ne 4\nond\no 10\nno newlineend\n",
                out.toString(StandardCharsets.UTF_8));
    }
}
