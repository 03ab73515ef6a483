package shelf.dashboard;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The pages' server-sent event stream ({@code GET /events}): each open page gets every event {@link #publish}ed after
 * it connected, preceded by the current state. A page's connection is served on its own server thread, which waits on
 * the page's queue; a page too slow to keep up (its queue full) is dropped and reconnects, as EventSource does.
 * Thread-safe.
 */
final class EventStream {
    /** At most this many pages at once, each holding one server thread. */
    static final int MAX_PAGES = 16;
    private static final int QUEUE = 2_000;
    private static final long KEEP_ALIVE_MS = 15_000;

    private final List<BlockingQueue<String>> pages = new CopyOnWriteArrayList<>();

    /** One event in the text/event-stream format: {@code event: NAME} and the data, one {@code data:} line per line. */
    static String encode(String name, String data) {
        if (!name.matches("[a-z]+")) {
            throw new IllegalArgumentException("event names are lower-case words: " + name);
        }
        StringBuilder s = new StringBuilder("event: ").append(name).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            s.append("data: ").append(line).append('\n');
        }
        return s.append('\n').toString();
    }

    /** Whether a page is connected now: with none, there is no one to watch the nodes for. */
    boolean watched() {
        return !pages.isEmpty();
    }

    /** Sends an event to every page connected now. */
    void publish(String name, String data) {
        String event = encode(name, data);
        for (BlockingQueue<String> page : pages) {
            if (!page.offer(event)) {
                pages.remove(page);
                page.clear();
                page.offer(""); // wakes the page's thread, which ends its response
            }
        }
    }

    /**
     * Serves one page until it goes away (or is dropped): the events of {@code snapshot}, then every event published.
     * Blocks the calling server thread.
     */
    void serve(HttpExchange exchange, Supplier<List<String>> snapshot) throws IOException {
        if (pages.size() >= MAX_PAGES) {
            Responses.text(exchange, 503, "too many dashboard pages are open");
            return;
        }
        BlockingQueue<String> queue = new LinkedBlockingQueue<>(QUEUE);
        pages.add(queue);
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (String event : snapshot.get()) {
                out.write(event.getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            stream(queue, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the page went away
        } finally {
            pages.remove(queue);
            exchange.close();
        }
    }

    private static void stream(BlockingQueue<String> queue, OutputStream out) throws IOException, InterruptedException {
        while (true) {
            String event = queue.poll(KEEP_ALIVE_MS, TimeUnit.MILLISECONDS);
            if (event == null) {
                event = ": keep-alive\n\n";
            } else if (event.isEmpty()) {
                return;
            }
            StringBuilder batch = new StringBuilder(event);
            for (String next = queue.poll(); next != null && !next.isEmpty(); next = queue.poll()) {
                batch.append(next);
            }
            out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
