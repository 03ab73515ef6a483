package shelf.api;

/**
 * The node could not serve a request in time: no coordinator, no grant, or a write fenced off.
 * The message names the node and what it was waiting for. Clients map it to exit code 3.
 */
public final class UnavailableException extends Exception {
    public UnavailableException(String message) {
        super(message);
    }
}
