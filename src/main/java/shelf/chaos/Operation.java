package shelf.chaos;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import shelf.library.Op;

/**
 * One client operation: its invocation and its completion, as one line of {@code operations.jsonl}. Times are
 * nanoseconds since the run began ({@link System#nanoTime()} of the process that ran the clients).
 *
 * @param index     the order in which operations were invoked, from 0
 * @param client    the client that invoked it, from 1
 * @param requestId the request id the client sent on every try, so a retry never applies twice
 * @param invokeNs  when the client sent it first
 * @param completeNs when the client had its answer, or gave up ({@link Result#UNKNOWN})
 * @param node      the node that answered, or -1 when none did
 * @param message   the node's sentence, or why no node answered
 */
public record Operation(long index, int client, String user, String requestId, Op op, @JsonProperty("book") int bookId,
                        long invokeNs, long completeNs, Result result, int node, String message) {

    /** How the checks name it: "#12 c3 BORROW book 2 (ok, 1.234-1.240 s)". */
    public String describe() {
        return String.format(Locale.US, "#%d %s %s book %d (%s, %.3f-%.3f s)", index, user, op, bookId, result.label(),
                invokeNs / 1e9, completeNs / 1e9);
    }
}
