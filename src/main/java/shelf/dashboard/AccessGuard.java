package shelf.dashboard;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Who may use the dashboard: whoever holds its secret token, from a page the dashboard served itself. Like a notebook
 * server's, the token comes in the printed URL ({@code /?token=...}), is then kept in a cookie of this port, and every
 * request without it is refused. Against DNS rebinding the Host header must name the bound address (or a loopback
 * name) and port; against cross-site requests every control (POST only) and the event stream must come from the
 * dashboard's own origin. Pure: decides on the request line and headers, so it is tested without a server.
 */
final class AccessGuard {
    /** A decision: serve ({@code setCookie} when the token came in the URL), or refuse with a status and one line. */
    record Verdict(boolean allowed, int status, String reason, boolean setCookie) {
        static Verdict allow(boolean setCookie) {
            return new Verdict(true, 200, "", setCookie);
        }

        static Verdict refuse(int status, String reason) {
            return new Verdict(false, status, reason, false);
        }
    }

    private static final int TOKEN_BYTES = 24;
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");

    private final String token;
    private final Set<String> hosts;
    private final int port;
    private final String cookie;

    /**
     * @param token the secret
     * @param hosts the names the browser may use for this server besides the loopback names (the bound address)
     * @param port  the port it listens on
     */
    AccessGuard(String token, Set<String> hosts, int port) {
        this.token = token;
        this.hosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
        this.port = port;
        this.cookie = "shelf-dashboard-" + port;
    }

    /** A new random token, URL-safe. */
    static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    String token() {
        return token;
    }

    /** The Set-Cookie header's value that keeps the token for this port's pages. */
    String cookieHeader() {
        return cookie + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
    }

    /**
     * Whether to serve a request.
     *
     * @param method  the HTTP method
     * @param uri     the request URI (path and query)
     * @param header  the request's first value of a header, or null
     * @param control whether the request acts or streams (a control or the event stream): same origin required
     */
    Verdict check(String method, URI uri, Function<String, String> header, boolean control) {
        String host = header.apply("Host");
        if (host == null || !allowedHost(host)) {
            return Verdict.refuse(403, "refused: the Host header does not name this dashboard");
        }
        if (control) {
            String origin = header.apply("Origin");
            boolean post = "POST".equals(method);
            if (origin == null ? post : !sameOrigin(origin, host)) {
                return Verdict.refuse(403, "refused: not from the dashboard's own page (Origin)");
            }
            String site = header.apply("Sec-Fetch-Site");
            if (site != null && !site.equals("same-origin") && !site.equals("none")) {
                return Verdict.refuse(403, "refused: a cross-site request (Sec-Fetch-Site " + site + ")");
            }
        }
        boolean inUrl = matches(parameter(uri.getRawQuery(), "token"));
        if (inUrl || matches(cookieToken(header.apply("Cookie")))) {
            return Verdict.allow(inUrl);
        }
        return Verdict.refuse(403, "refused: open the dashboard with the URL it printed (it carries the access token)");
    }

    private boolean allowedHost(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        String name = h;
        String hostPort = "80";
        int colon = h.lastIndexOf(':');
        if (colon > h.lastIndexOf(']')) {
            name = h.substring(0, colon);
            hostPort = h.substring(colon + 1);
        }
        return hostPort.equals(String.valueOf(port)) && (LOOPBACK_NAMES.contains(name) || hosts.contains(name));
    }

    private static boolean sameOrigin(String origin, String host) {
        return origin.equalsIgnoreCase("http://" + host.trim());
    }

    private boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    /** The first value of parameter {@code name} in a raw query string, as it is (not decoded), or null. */
    static String parameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    private String cookieToken(String cookies) {
        if (cookies == null) {
            return null;
        }
        for (String pair : cookies.split(";")) {
            String p = pair.trim();
            if (p.startsWith(cookie + "=")) {
                return p.substring(cookie.length() + 1);
            }
        }
        return null;
    }
}
