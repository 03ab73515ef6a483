package shelf.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import shelf.library.Json;

/** How the dashboard answers: one line of text, a JSON document, or a resource of the jar. */
final class Responses {
    /** The page loads its own script and style only, from this server. */
    static final String OWN_ASSETS = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
            + " frame-ancestors 'none'";
    /** A self-contained page: its inline style, no script, nothing from anywhere. */
    static final String SELF_CONTAINED = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";
    private Responses() {
    }

    static void text(HttpExchange exchange, int status, String line) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", (line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static void json(HttpExchange exchange, int status, Object value) throws IOException {
        send(exchange, status, "application/json", toJson(value).getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        send(exchange, status, type, body, OWN_ASSETS);
    }

    /**
     * Sends {@code body} under the content security policy {@code policy}: {@link #OWN_ASSETS} for the dashboard's page,
     * {@link #SELF_CONTAINED} for a timeline (its style inline, no script, nothing fetched).
     */
    static void send(HttpExchange exchange, int status, String type, byte[] body, String policy) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
        exchange.getResponseHeaders().set("Content-Security-Policy", policy);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static String toJson(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
