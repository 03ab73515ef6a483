package shelf.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a command run by the {@link ClientAgent} printed: its standard output and error, line by line in the order they
 * were written, kept until the command ends and then sent to {@code bin/shelf}, which prints each line on the stream it
 * was meant for. Kept, not streamed, because a command the agent hands back (it needs a terminal) must have printed
 * nothing.
 *
 * <pre>
 * o TEXT\n    a line of standard output          O TEXT\n   its last text, which ended without a newline
 * e TEXT\n    a line of standard error           E TEXT\n   the same for standard error
 * x CODE\n    the command's exit code, last
 * </pre>
 */
final class Transcript {
    private final List<String> lines = new ArrayList<>();
    private final Stream out = new Stream('o');
    private final Stream err = new Stream('e');
    private final PrintStream outPrint = new PrintStream(out, true, StandardCharsets.UTF_8);
    private final PrintStream errPrint = new PrintStream(err, true, StandardCharsets.UTF_8);

    PrintStream out() {
        return outPrint;
    }

    PrintStream err() {
        return errPrint;
    }

    /** Every line in the order written, each stream's unfinished last text, then the exit code. */
    void send(OutputStream to, int exitCode) throws IOException {
        outPrint.flush();
        errPrint.flush();
        synchronized (lines) {
            out.finish();
            err.finish();
            for (String line : lines) {
                to.write(line.getBytes(StandardCharsets.UTF_8));
                to.write('\n');
            }
        }
        to.write(("x " + exitCode + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** One of the two streams: whole lines go to the shared list as they end. */
    private final class Stream extends OutputStream {
        private final char tag;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Stream(char tag) {
            this.tag = tag;
        }

        @Override
        public void write(int b) {
            synchronized (lines) {
                if (b == '\n') {
                    lines.add(tag + " " + pending.toString(StandardCharsets.UTF_8));
                    pending.reset();
                } else {
                    pending.write(b);
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        void finish() {
            if (pending.size() > 0) {
                lines.add(Character.toUpperCase(tag) + " " + pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            }
        }
    }
}
