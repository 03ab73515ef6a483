package shelf.cli;

import java.util.Locale;
import shelf.api.NodeStatus;
import shelf.election.Role;

/** One line per node, for {@code admin status --all} and the jshell {@code status()} helper. */
public final class StatusTable {
    public static final String HEADER = String.format(Locale.US, "%-4s %-11s %-5s %-6s %-16s %-8s %-12s %s",
            "node", "role", "coord", "epoch", "peers alive", "holds", "lock holder", "queue");

    private StatusTable() {
    }

    public static String row(NodeStatus s) {
        String holder = s.lock().holder() < 0 ? "-" : s.lock().holder() + " (" + s.lock().token() + ")";
        boolean coordinator = s.role() == Role.COORDINATOR;
        return String.format(Locale.US, "%-4d %-11s %-5s %-6d %-16s %-8s %-12s %s", s.id(), s.role(),
                s.coordinator() < 0 ? "-" : String.valueOf(s.coordinator()), s.epoch(), s.peersAlive(),
                s.heldToken() == null ? "-" : s.heldToken(), coordinator ? holder : "", coordinator ? s.lock().queue() : "")
                + security(s) + faults(s);
    }

    /** The injected faults at the end of the row, when there are any ({@code admin partition}, {@code drop}, ...). */
    static String faults(NodeStatus s) {
        return s.faults() == null || s.faults().equals(shelf.api.Faults.NONE.describe()) ? "" : "   FAULTS: " + s.faults();
    }

    /** A warning at the end of the row when the node runs without TLS or its certificate expires soon. */
    static String security(NodeStatus s) {
        if (s.counters().getOrDefault("tls.enabled", 1L) == 0) {
            return "   TLS OFF";
        }
        if (s.counters().getOrDefault("tls.certificate.expiring", 0L) == 1) {
            return "   certificate expires in " + s.counters().get("tls.certificate.days-left") + " days";
        }
        return "";
    }

    /** The row for a node that did not answer. */
    public static String down(int id, String why) {
        return String.format(Locale.US, "%-4d %-11s %s", id, "DOWN", why);
    }

    /** The row for a node that was reached but did not answer in time (paused, overloaded). */
    public static String noAnswer(int id, String why) {
        return String.format(Locale.US, "%-4d %-11s %s", id, "NO ANSWER", why);
    }
}
