package shelf.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a command run by the {@link ClientAgent} printed: its standard output and error, in the order they were written,
 * kept until the command ends and then sent to {@code bin/shelf}, which copies each part to the stream it was meant for
 * ({@code head -c}: bytes as they are, not a shell loop per line). Kept, not streamed, because a command the agent
 * hands back (it needs a terminal) must have printed nothing; and so the exit code can go first: a reader that stops
 * reading (a pipe into {@code head}) still ends with it.
 *
 * <pre>
 * x CODE\n          the command's exit code
 * o LEN\nBYTES      LEN bytes of standard output          (any number of these two, in the order written)
 * e LEN\nBYTES      LEN bytes of standard error
 * end\n             all was sent
 * </pre>
 */
final class Transcript {
    /** Bytes written one after another to one stream. */
    private record Part(char stream, ByteArrayOutputStream bytes) {
    }

    private final List<Part> parts = new ArrayList<>();
    private final PrintStream out = new PrintStream(new Stream('o'), true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(new Stream('e'), true, StandardCharsets.UTF_8);

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    /** The exit code, every part in the order written, and the end mark. */
    void send(OutputStream to, int exitCode) throws IOException {
        out.flush();
        err.flush();
        to.write(("x " + exitCode + "\n").getBytes(StandardCharsets.US_ASCII));
        synchronized (parts) {
            for (Part p : parts) {
                to.write((p.stream() + " " + p.bytes().size() + "\n").getBytes(StandardCharsets.US_ASCII));
                p.bytes().writeTo(to);
            }
        }
        to.write("end\n".getBytes(StandardCharsets.US_ASCII));
    }

    private void append(char stream, byte[] b, int off, int len) {
        synchronized (parts) {
            Part last = parts.isEmpty() ? null : parts.get(parts.size() - 1);
            if (last == null || last.stream() != stream) {
                last = new Part(stream, new ByteArrayOutputStream());
                parts.add(last);
            }
            last.bytes().write(b, off, len);
        }
    }

    /** One of the two streams. */
    private final class Stream extends OutputStream {
        private final char tag;

        Stream(char tag) {
            this.tag = tag;
        }

        @Override
        public void write(int b) {
            append(tag, new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            append(tag, b, off, len);
        }
    }
}
