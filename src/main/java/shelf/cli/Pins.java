package shelf.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import shelf.util.ExitCodes;

/**
 * Where a PIN comes from: a file ({@code --pin-file F}), an environment variable ({@code SHELF_PIN} for the client,
 * {@code --pin-env VAR} for {@code users add}), or a prompt on the console that does not echo. A PIN is never an
 * argument on the command line (other users of the machine could read it in the process list), never logged, and the
 * arrays holding it are cleared after use.
 */
final class Pins {
    /** The environment variable the client reads its PIN from. */
    static final String ENV = "SHELF_PIN";

    /** Reads a PIN, or fails with a one-line usage error (exit 2) when there is none to read. */
    @FunctionalInterface
    interface Source {
        char[] read();
    }

    private Pins() {
    }

    /**
     * The client's PIN: from {@code pinFile} if given, else from {@code SHELF_PIN} if set, else a prompt on
     * {@code console} if there is one; else a usage error, raised only if a node asks for a PIN.
     */
    static Source forClient(Path pinFile, String user, Map<String, String> env, Console console) {
        if (pinFile != null) {
            return () -> fromFile(pinFile);
        }
        if (env.get(ENV) != null) {
            return () -> fromEnv(ENV, env);
        }
        if (console != null) {
            return () -> prompt(console, "PIN for " + user + ": ");
        }
        return () -> {
            throw new CliException(ExitCodes.USAGE, "user authentication is on and there is no console to ask "
                    + user + "'s PIN on: give it with --pin-file FILE or the " + ENV + " environment variable");
        };
    }

    /** The first line of a file (a trailing newline is not part of the PIN). */
    static char[] fromFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.USAGE, "PIN file " + file + " not found");
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read PIN file " + file + ": " + e.getMessage());
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            int end = chars.limit();
            while (end > 0 && (chars.get(end - 1) == '\n' || chars.get(end - 1) == '\r')) {
                end--;
            }
            char[] pin = new char[end];
            chars.get(pin);
            Arrays.fill(chars.array(), '\0');
            return nonEmpty(pin, "PIN file " + file + " is empty");
        } catch (CharacterCodingException e) {
            throw new CliException(ExitCodes.USAGE, "PIN file " + file + " is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    static char[] fromEnv(String variable, Map<String, String> env) {
        String value = env.get(variable);
        if (value == null) {
            throw new CliException(ExitCodes.USAGE, "environment variable " + variable + " is not set");
        }
        return nonEmpty(value.toCharArray(), "environment variable " + variable + " is empty");
    }

    /** A line read without echo; Ctrl-D is a usage error. */
    static char[] prompt(Console console, String prompt) {
        char[] pin = console.readPassword("%s", prompt);
        if (pin == null) {
            throw new CliException(ExitCodes.USAGE, "no PIN given");
        }
        return nonEmpty(pin, "no PIN given");
    }

    private static char[] nonEmpty(char[] pin, String message) {
        if (pin.length == 0) {
            throw new CliException(ExitCodes.USAGE, message);
        }
        return pin;
    }
}
