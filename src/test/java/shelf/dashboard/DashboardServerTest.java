package shelf.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shelf.config.ClusterConfig;

/**
 * The dashboard's HTTP server as a browser (or an attacker's page) meets it, over real sockets: a cluster of two nodes
 * that are not running (tls=off), so only the door and the stream are tested here; DashboardIT drives a real cluster.
 */
class DashboardServerTest {
    private Dashboard dashboard;
    private String token;
    private int port;

    @BeforeEach
    void start(@TempDir Path logs) throws Exception {
        List<String> lines = new ArrayList<>(List.of("tls=off"));
        for (int id = 1; id <= 2; id++) {
            try (ServerSocket unused = new ServerSocket(0)) {
                lines.add("node." + id + "=127.0.0.1:" + unused.getLocalPort());
            }
        }
        ClusterConfig config = ClusterConfig.parse(lines, "test");
        dashboard = Dashboard.start(new Dashboard.Options(config, "127.0.0.1", 0, logs, command -> {
            throw new java.io.IOException("no cluster runs here");
        }));
        port = dashboard.port();
        token = dashboard.url().substring(dashboard.url().indexOf("token=") + "token=".length());
        assertEquals("http://127.0.0.1:" + port + "/?token=" + token, dashboard.url());
    }

    @AfterEach
    void stop() {
        dashboard.close();
    }

    /** Sends one raw request (so the Host header is ours to choose); answers the status line, headers and body. */
    private List<String> request(String method, String path, String body, String... headers) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            StringBuilder r = new StringBuilder(method + " " + path + " HTTP/1.1\r\nConnection: close\r\n");
            for (String h : headers) {
                r.append(h).append("\r\n");
            }
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            r.append("Content-Length: ").append(content.length).append("\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(r.toString().getBytes(StandardCharsets.UTF_8));
            out.write(content);
            out.flush();
            List<String> lines = new ArrayList<>();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && lines.size() < 40; line = in.readLine()) {
                lines.add(line);
                if (path.equals("/events") && line.startsWith("data: {\"nodes\"")) {
                    break;
                }
            }
            return lines;
        }
    }

    private String host() {
        return "Host: 127.0.0.1:" + port;
    }

    private String cookie() {
        return "Cookie: shelf-dashboard-" + port + "=" + token;
    }

    private String origin() {
        return "Origin: http://127.0.0.1:" + port;
    }

    @Test
    void thePageOpensOnlyWithTheTokenAndTheRightHost() throws Exception {
        List<String> none = request("GET", "/", "", host());
        assertTrue(none.get(0).contains(" 403 "), none.toString());
        assertTrue(none.contains("refused: open the dashboard with the URL it printed (it carries the access token)"),
                none.toString());

        List<String> page = request("GET", "/?token=" + token, "", host());
        assertTrue(page.get(0).contains(" 200 "), page.toString());
        assertTrue(page.stream().anyMatch(l -> l.equalsIgnoreCase("Set-Cookie: shelf-dashboard-" + port + "=" + token
                + "; Path=/; HttpOnly; SameSite=Strict")), page.toString());
        assertTrue(page.stream().anyMatch(l -> l.contains("<title>Shelf dashboard</title>")), page.toString());
        assertTrue(request("GET", "/app.js", "", host(), cookie()).get(0).contains(" 200 "));

        List<String> rebound = request("GET", "/?token=" + token, "", "Host: attacker.example:" + port);
        assertTrue(rebound.get(0).contains(" 403 "), rebound.toString());
    }

    @Test
    void aControlNeedsTokenOriginAndPost() throws Exception {
        String body = "{\"node\":1}";
        assertTrue(request("POST", "/api/elect", body, host(), origin()).get(0).contains(" 403 "), "no token");
        assertTrue(request("POST", "/api/elect", body, host(), cookie()).get(0).contains(" 403 "), "no Origin");
        assertTrue(request("POST", "/api/elect", body, host(), cookie(), "Origin: http://evil.example").get(0)
                .contains(" 403 "), "another origin");
        assertTrue(request("GET", "/api/elect", "", host(), cookie(), origin()).get(0).contains(" 405 "), "GET");

        List<String> unknown = request("POST", "/api/elect", "{\"node\":9}", host(), cookie(), origin());
        assertTrue(unknown.get(0).contains(" 400 "), unknown.toString());
        assertTrue(unknown.contains("{\"ok\":false,\"message\":\"no such node: 9\"}"), unknown.toString());
        List<String> notJson = request("POST", "/api/borrow", "borrow 3", host(), cookie(), origin());
        assertTrue(notJson.get(0).contains(" 400 "), notJson.toString());

        List<String> down = request("POST", "/api/elect", body, host(), cookie(), origin());
        assertTrue(down.get(0).contains(" 200 "), down.toString());
        assertTrue(down.get(down.size() - 1).startsWith("{\"ok\":false,\"message\":\"node 1 could not be asked: "),
                down.toString());
        List<String> pause = request("POST", "/api/pause", body, host(), cookie(), origin());
        assertTrue(pause.contains("{\"ok\":false,\"message\":\"no cluster runs here\"}"), pause.toString());
    }

    @Test
    void theStreamStartsWithHelloAndTheStateAndIsRefusedToOtherOrigins() throws Exception {
        assertTrue(request("GET", "/events", "", host(), cookie(), "Origin: http://evil.example").get(0).contains(" 403 "));
        List<String> stream = request("GET", "/events", "", host(), cookie());
        assertTrue(stream.get(0).contains(" 200 "), stream.toString());
        assertTrue(stream.stream().anyMatch(l -> l.equalsIgnoreCase("Content-Type: text/event-stream; charset=utf-8")),
                stream.toString());
        assertTrue(stream.contains("event: hello"), stream.toString());
        // whether the nodes record events: without them the page has no messages to draw and says why (events=off)
        String hello = stream.get(stream.indexOf("event: hello") + 1);
        assertTrue(hello.startsWith("data: {\"nodes\":{") && hello.endsWith(",\"events\":false}"), hello);
    }
}
