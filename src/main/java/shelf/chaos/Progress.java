package shelf.chaos;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The run's progress on stderr: on a terminal one line redrawn every second ({@code \r}); otherwise (a log, CI) a plain
 * line every few seconds. Runs on its own thread until interrupted.
 */
final class Progress implements Runnable {
    private static final long TERMINAL_EVERY_MS = 1_000;
    private static final long LOG_EVERY_MS = 5_000;

    private final PrintWriter err;
    private final boolean terminal;
    private final History history;
    private final Nemesis nemesis;
    private final int seconds;
    private int width;

    Progress(PrintWriter err, boolean terminal, History history, Nemesis nemesis, int seconds) {
        this.err = err;
        this.terminal = terminal;
        this.history = history;
        this.nemesis = nemesis;
        this.seconds = seconds;
    }

    @Override
    public void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(terminal ? TERMINAL_EVERY_MS : LOG_EVERY_MS);
                show();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (terminal) {
            err.println();
        }
    }

    private void show() {
        long[] c = history.counts();
        long done = c[1] + c[2] + c[3];
        String line = String.format(Locale.US,
                "chaos: %d/%d s, %d operations done (%d ok, %d refused, %d unknown), %d under way;"
                + " fault: %s", Math.min(seconds, history.now() / 1_000_000_000L), seconds, done, c[1], c[2], c[3],
                c[0] - done, nemesis.inForce());
        if (terminal) {
            err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }
}
