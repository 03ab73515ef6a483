package shelf.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.admin.Admin;
import shelf.api.LibraryService;
import shelf.api.UnavailableException;
import shelf.config.ClusterConfig;
import shelf.config.ConfigException;
import shelf.rmi.Credentials;
import shelf.rmi.RmiServer;
import shelf.rmi.Stubs;
import shelf.tls.Role;

/**
 * {@code shelf dashboard}: a live page of the cluster, served on one HTTP port (the JDK's server; the page, its script and
 * its style are resources of the jar). Three watchers push what changed to every open page over server-sent events
 * ({@link EventStream}): each node's status (every {@link #NODE_POLL_MS} ms, as the admin), the library (every
 * {@link #LIBRARY_POLL_MS} ms and after each change made from the page) and the nodes' protocol messages, tailed from
 * their event files. The page's controls are POSTs ({@link Controls}); every request passes the {@link AccessGuard}.
 *
 * <p>The nodes and the library are asked only while a page is open: a dashboard no one looks at (the one {@code cluster}
 * serves by default) would otherwise cost the five nodes about 15 % of a core in status calls. A page that connects
 * waits one round (at most {@link #NODE_POLL_MS} ms) for the nodes' answers; the library it gets as last read, then as
 * read again at once.
 */
public final class Dashboard implements AutoCloseable {
    /**
     * How to run a dashboard.
     *
     * @param bind      the address to listen on (127.0.0.1 unless asked)
     * @param port      the port, 0 for a free one
     * @param logs      the folder of the nodes' event files
     * @param processes the owner of the node processes (pause, resume, restart)
     */
    public record Options(ClusterConfig config, String bind, int port, Path logs, ProcessControl processes) {
    }

    static final long NODE_POLL_MS = 250;
    static final long LIBRARY_POLL_MS = 1_000;
    static final long EVENT_POLL_MS = 100;
    private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
    private static final int SERVER_THREADS = EventStream.MAX_PAGES + 8;

    private final HttpServer server;
    private final String url;
    private final AccessGuard guard;
    private final EventStream stream = new EventStream();
    private final StateDiff state = new StateDiff();
    private final ExecutorService calls = Executors.newCachedThreadPool(daemons("dashboard-call"));
    private final ScheduledExecutorService watchers = Executors.newScheduledThreadPool(3, daemons("dashboard-watch"));
    private final ExecutorService serverThreads = Executors.newFixedThreadPool(SERVER_THREADS, daemons("dashboard-http"));
    private final NodeWatch nodes;
    /** Held for one round of status calls: the scheduled rounds and those a connecting page starts never overlap. */
    private final Object nodeRound = new Object();
    private final LibraryAccess library;
    private final EventTail events;
    private final Controls controls;
    private final Map<String, Object> hello = new LinkedHashMap<>();
    private final Path logs;

    private Dashboard(Options o, HttpServer server) {
        this.server = server;
        ClusterConfig config = o.config();
        int port = server.getAddress().getPort();
        String host = urlHost(o.bind());
        this.guard = new AccessGuard(AccessGuard.newToken(), new HashSet<>(List.of(o.bind(), host)), port);
        this.url = "http://" + host + ":" + port + "/";
        long answerMs = Math.max(2_000, config.timings().rpcTimeoutMs());
        Map<Integer, String> addresses = new LinkedHashMap<>();
        config.nodes().forEach((id, a) -> addresses.put(id, a.toString()));
        this.nodes = new NodeWatch(id -> Admin.connect(config, id), addresses, calls, answerMs);
        long writeMs = config.timings().requestTimeoutMs() + RmiServer.CLIENT_READ_GRACE_MS;
        this.library = new LibraryAccess(config.ids(), id -> Stubs.lookup(config.nodes().get(id), LibraryService.class),
                calls, answerMs, writeMs);
        this.logs = o.logs();
        this.events = new EventTail(o.logs(), config.ids());
        this.controls = new Controls(nodes, library, o.processes(), calls, answerMs,
                () -> watchers.execute(() -> watchLibrary(true)));
        hello.put("nodes", addresses);
        hello.put("events", config.events().on()); // off: no messages to draw, and the page says why
    }

    /**
     * Starts a dashboard of {@code options.config()}'s cluster.
     *
     * @throws java.net.BindException when the port is taken
     * @throws ConfigException          when the admin key it calls the nodes with is missing or expired
     */
    public static Dashboard start(Options options) throws IOException, ConfigException {
        RmiServer.useClientTimeouts(options.config());
        Credentials.chooseIfAbsent(options.config(), Role.ADMIN);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(options.bind()), options.port()), 0);
        Dashboard d = new Dashboard(options, server);
        server.setExecutor(d.serverThreads);
        server.createContext("/", d::handle);
        server.start();
        d.watchers.execute(() -> d.watchNodes(true)); // a first state for the first page
        d.watchers.execute(() -> d.watchLibrary(true));
        d.watchers.scheduleWithFixedDelay(() -> d.watchNodes(false), NODE_POLL_MS, NODE_POLL_MS, TimeUnit.MILLISECONDS);
        d.watchers.scheduleWithFixedDelay(() -> d.watchLibrary(false), LIBRARY_POLL_MS, LIBRARY_POLL_MS, TimeUnit.MILLISECONDS);
        d.watchers.scheduleWithFixedDelay(d::watchEvents, 0, EVENT_POLL_MS, TimeUnit.MILLISECONDS);
        return d;
    }

    /** The address to open, with its access token: the one line to print. */
    public String url() {
        return url + "?token=" + guard.token();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        watchers.shutdownNow();
        server.stop(0);
        serverThreads.shutdownNow();
        calls.shutdownNow();
    }

    private static String urlHost(String bind) {
        if (bind.equals("0.0.0.0") || bind.equals("::")) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "127.0.0.1";
            }
        }
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }

    /** One round of status calls, when a page is open ({@code always}: also when none is); one round at a time. */
    private void watchNodes(boolean always) {
        if (!always && !stream.watched()) {
            return;
        }
        synchronized (nodeRound) {
            watchNodesNow();
        }
    }

    private void watchNodesNow() {
        try {
            nodes.poll(NODE_POLL_MS);
            publishChanged("nodes", new ArrayList<>(nodes.views().values()));
            publishChanged("lock", LockView.of(nodes.answers()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("dashboard: watching the nodes failed: {}", e.toString());
        }
    }

    private void watchLibrary(boolean always) {
        if (!always && !stream.watched()) {
            return;
        }
        try {
            publishChanged("library", library.read());
        } catch (UnavailableException e) {
            publishChanged("library", Map.of("error", e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("dashboard: reading the library failed: {}", e.toString());
        }
    }

    private void watchEvents() {
        try {
            var batch = events.poll();
            if (!batch.isEmpty()) {
                stream.publish("messages", Responses.toJson(batch));
            }
        } catch (RuntimeException e) {
            log.warn("dashboard: reading the event files failed: {}", e.toString());
        }
    }

    private void publishChanged(String section, Object value) {
        String json = state.changed(section, value);
        if (json != null) {
            stream.publish(section, json);
        }
    }

    /**
     * What a page gets first: the nodes as they answer now (one round, at most {@link #NODE_POLL_MS} ms: with no page
     * open they were not asked), the library as last read (read again at once; the page gets it when it comes).
     */
    private List<String> snapshot() {
        watchNodes(true);
        watchers.execute(() -> watchLibrary(true));
        List<String> first = new ArrayList<>();
        first.add(EventStream.encode("hello", Responses.toJson(hello)));
        state.current().forEach((section, json) -> first.add(EventStream.encode(section, json)));
        return first;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            URI uri = exchange.getRequestURI();
            String path = uri.getPath();
            boolean control = path.startsWith("/api/") || path.equals("/events");
            AccessGuard.Verdict verdict = guard.check(method, uri, exchange.getRequestHeaders()::getFirst, control);
            if (!verdict.allowed()) {
                Responses.text(exchange, verdict.status(), verdict.reason());
                return;
            }
            if (verdict.setCookie()) {
                exchange.getResponseHeaders().add("Set-Cookie", guard.cookieHeader());
            }
            route(exchange, method, path);
        }
    }

    private void route(HttpExchange exchange, String method, String path) throws IOException {
        if (path.startsWith("/api/")) {
            if (!method.equals("POST")) {
                Responses.text(exchange, 405, "controls are POST requests");
                return;
            }
            control(exchange, path.substring("/api/".length()));
            return;
        }
        if (!method.equals("GET")) {
            Responses.text(exchange, 405, "only GET here");
            return;
        }
        switch (path) {
            case "/" -> asset(exchange, "index.html", "text/html; charset=utf-8");
            case "/app.js" -> asset(exchange, "app.js", "text/javascript; charset=utf-8");
            case "/app.css" -> asset(exchange, "app.css", "text/css; charset=utf-8");
            case "/events" -> stream.serve(exchange, this::snapshot);
            case "/timeline" -> timeline(exchange);
            default -> Responses.text(exchange, 404, "no such page: " + path);
        }
    }

    private void control(HttpExchange exchange, String action) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(Controls.MAX_BODY + 1);
            Controls.Result r = controls.run(action, Controls.body(body));
            Responses.json(exchange, 200, r);
        } catch (Controls.BadRequest e) {
            Responses.json(exchange, 400, new Controls.Result(false, e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Responses.json(exchange, 503, new Controls.Result(false, "the dashboard is stopping"));
        }
    }

    /** {@code GET /timeline?minutes=N}: the Lamport diagram of the last N minutes, a page of its own. */
    private void timeline(HttpExchange exchange) throws IOException {
        String minutes = AccessGuard.parameter(exchange.getRequestURI().getRawQuery(), "minutes");
        try {
            int m = minutes == null ? TimelinePage.DEFAULT_MINUTES : minutes.matches("\\d{1,5}") ? Integer.parseInt(minutes) : -1;
            byte[] page = TimelinePage.render(logs, m).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Responses.send(exchange, 200, "text/html; charset=utf-8", page, Responses.SELF_CONTAINED);
        } catch (IllegalArgumentException e) {
            Responses.text(exchange, 404, e.getMessage());
        }
    }

    private static void asset(HttpExchange exchange, String name, String type) throws IOException {
        try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
                Responses.text(exchange, 404, "missing from the jar: " + name);
                return;
            }
            Responses.send(exchange, 200, type, in.readAllBytes());
        }
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
