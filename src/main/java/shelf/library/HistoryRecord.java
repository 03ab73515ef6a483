package shelf.library;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import shelf.fencing.FencingToken;

/**
 * One successful change, as the history log keeps it forever. The first seven fields are the JSON
 * contract of {@code history --json}; {@code due} and {@code requestId} make replay and retries exact.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryRecord(long seq, Instant time, Op op, int bookId, String user, int node, FencingToken token,
                            LocalDate due, String requestId) implements Serializable {

    @Override
    public String toString() {
        // %s for numbers, as in Book#toString: ASCII digits, no locale data loaded
        return String.format(Locale.US,
                "#%-6s %s  %-6s book %-3s %-12s node %s  token %s", seq, time, op, bookId, user, node, token);
    }
}
