package shelf.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * One command handed to the {@link ClientAgent} by {@code bin/shelf}, as it arrives on the agent's socket. Every field is
 * checked before it is believed: the launcher's proof first (nothing else is read from a caller that does not know
 * it), then counts and lengths within bounds, so a stranger on the port can neither make the agent run a command nor
 * make it read without end.
 *
 * <pre>
 * PROOF\n            the launcher's secret from resources/client-agent.HOST (hex)
 * PROGRAM\n          RmiClient
 * N\n                the number of arguments, 0..{@value #MAX_ARGS}
 * LEN\nBYTES\n       N times: one argument, LEN bytes of UTF-8
 * LEN\nBYTES\n       SHELF_PIN's value, or -1\n when it is not set
 * </pre>
 *
 * @param program the program the user typed (names the command in help and errors)
 * @param args    its arguments, as typed
 * @param pin     the caller's {@code SHELF_PIN}, or null; never logged
 */
record AgentRequest(String program, List<String> args, String pin) {
    static final int MAX_ARGS = 256;
    static final int MAX_BYTES = 64 * 1024;
    private static final int MAX_LINE = 256;

    /**
     * A request the agent does not take: from a caller that knows the launcher's secret, too large or not in the
     * launcher's form (it is handed back, and the launcher runs the command in a JVM of its own, which says what is wrong
     * with it); else see {@link Stranger}.
     */
    static class Malformed extends IOException {
        Malformed(String message) {
            super(message);
        }
    }

    /** A caller without the launcher's secret: told nothing, its connection closed. */
    static final class Stranger extends Malformed {
        Stranger() {
            super("a caller without the launcher's proof");
        }
    }

    /** Reads a request from {@code in} whose first line must be {@code proof}. */
    static AgentRequest read(InputStream in, String proof) throws IOException {
        String given = line(in);
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.US_ASCII), proof.getBytes(StandardCharsets.US_ASCII))) {
            throw new Stranger();
        }
        String program = line(in);
        if (!program.equals("RmiClient")) {
            throw new Malformed("a program the agent does not run: '" + program + "'");
        }
        int count = number(line(in), 0, MAX_ARGS, "argument count");
        int[] budget = {MAX_BYTES};
        List<String> args = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            args.add(new String(field(in, budget, false), StandardCharsets.UTF_8));
        }
        byte[] pin = field(in, budget, true);
        return new AgentRequest(program, List.copyOf(args), pin == null ? null : new String(pin, StandardCharsets.UTF_8));
    }

    @Override
    public String toString() { // never the PIN
        return program + " " + String.join(" ", args);
    }

    /** {@code LEN\nBYTES\n} within what is left of the request's bytes; {@code -1\n} is null where allowed. */
    private static byte[] field(InputStream in, int[] budget, boolean mayBeAbsent) throws IOException {
        int length = number(line(in), mayBeAbsent ? -1 : 0, budget[0], "field length");
        if (length < 0) {
            return null;
        }
        budget[0] -= length;
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length || in.read() != '\n') {
            throw new Malformed("a field shorter than its length");
        }
        return bytes;
    }

    private static int number(String text, int min, int max, String what) throws Malformed {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new Malformed(what + " out of range");
    }

    /** One line of ASCII up to {@value #MAX_LINE} bytes, without its newline. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new Malformed("the request ends early");
            }
            if (line.size() == MAX_LINE || b < 0x20 || b > 0x7e) {
                throw new Malformed("a line that is not the launcher's form");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
