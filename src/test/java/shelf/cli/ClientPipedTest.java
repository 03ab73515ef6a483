package shelf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Commands piped into the client, as a script gives them: each run in turn, the highest exit code at the end. */
class ClientPipedTest {
    private final List<List<String>> ran = new ArrayList<>();

    private int pipe(String lines, Map<String, Integer> codes) throws Exception {
        return ClientCommand.piped(new BufferedReader(new StringReader(lines)), words -> {
            ran.add(words);
            return words.isEmpty() ? 0 : codes.getOrDefault(words.get(0), 0);
        });
    }

    @Test
    void commandsThatAllSucceedEndWithZero() throws Exception {
        assertEquals(0, pipe("list\nborrow 3\n\nloans\n", Map.of()));
        assertEquals(List.of(List.of("list"), List.of("borrow", "3"), List.of(), List.of("loans")), ran);
    }

    @Test
    void aRefusedCommandAmongOthersEndsWithItsCodeAndTheRestStillRun() throws Exception {
        assertEquals(1, pipe("borrow 99\nlist\n", Map.of("borrow", 1)));
        assertEquals(2, ran.size(), "the commands after a refusal still run");
    }

    @Test
    void theHighestCodeWinsAndQuitEndsTheInput() throws Exception {
        assertEquals(3, pipe("borrow 3\nrenew 3\nbogus\nquit\nreturn 3\n", Map.of("borrow", 3, "renew", 1, "bogus", 2)));
        assertEquals(3, ran.size(), "nothing after quit");
    }
}
