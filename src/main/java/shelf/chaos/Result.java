package shelf.chaos;

/** How a client's operation ended, as the client saw it. */
public enum Result {
    /** The cluster said it was applied. */
    OK,
    /** The cluster said the library's rules refused it: nothing was applied. */
    REFUSED,
    /** No node answered within the client's patience: it may or may not have been applied, at any time after it was sent. */
    UNKNOWN;

    /** The name in the report: {@code ok}, {@code refused}, {@code unknown}. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
