package shelf.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the pages already have: the last JSON sent of each section of the state ({@code nodes}, {@code lock},
 * {@code library}). The watchers offer a section whenever they have looked; only a section that changed is pushed, so
 * a quiet cluster sends nothing. Thread-safe.
 */
final class StateDiff {
    private final Map<String, String> sent = new LinkedHashMap<>();

    /** The section's JSON when it differs from the last sent (and records it as sent), else null. */
    synchronized String changed(String section, Object value) {
        String json = Responses.toJson(value);
        return json.equals(sent.put(section, json)) ? null : json;
    }

    /** Every section as last sent, for a page that has just connected. */
    synchronized Map<String, String> current() {
        return new LinkedHashMap<>(sent);
    }
}
