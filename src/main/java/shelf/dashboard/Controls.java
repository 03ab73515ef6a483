package shelf.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import shelf.api.AdminService;
import shelf.api.UnavailableException;
import shelf.cluster.ControlChannel.Response;
import shelf.library.Json;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.util.ExitCodes;

/**
 * What the page's buttons do ({@code POST /api/ACTION} with a small JSON body): crash or elect on a node (its admin
 * service), pause, resume or restart a node (the process owner), borrow or return a book as a user (the library). Each
 * answers one {@link Result}; the page shows its message. Every input is checked here before it is used.
 */
final class Controls {
    /** The answer to a control: whether it did what was asked, and one line saying what happened. */
    record Result(boolean ok, String message) {
    }

    /** A request the page got wrong (unknown node, bad book id): refused with this line, nothing done. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    static final int MAX_BODY = 4_096;

    private final NodeWatch nodes;
    private final LibraryAccess library;
    private final ProcessControl processes;
    private final ExecutorService calls;
    private final long answerMs;
    private final Runnable libraryChanged;

    Controls(NodeWatch nodes, LibraryAccess library, ProcessControl processes, ExecutorService calls, long answerMs,
             Runnable libraryChanged) {
        this.nodes = nodes;
        this.library = library;
        this.processes = processes;
        this.calls = calls;
        this.answerMs = answerMs;
        this.libraryChanged = libraryChanged;
    }

    /** Parses a control's body: a JSON object of at most {@link #MAX_BODY} bytes. */
    static JsonNode body(byte[] bytes) throws BadRequest {
        if (bytes.length > MAX_BODY) {
            throw new BadRequest("the request is too large");
        }
        try {
            JsonNode n = bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new BadRequest("the request is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new BadRequest("the request is not JSON");
        }
    }

    /** Runs control {@code action} with its parameters. */
    Result run(String action, JsonNode p) throws BadRequest, InterruptedException {
        return switch (action) {
            case "crash" -> admin(node(p), AdminService::crash, "crash");
            case "elect" -> admin(node(p), AdminService::startElection, "election");
            case "pause", "resume", "restart" -> process(action, node(p));
            case "borrow" -> change(Op.BORROW, p);
            case "return" -> change(Op.RETURN, p);
            default -> throw new BadRequest("no such control: " + action);
        };
    }

    private int node(JsonNode p) throws BadRequest {
        JsonNode n = p.path("node");
        if (!n.canConvertToInt() || !n.isIntegralNumber() || nodes.view(n.asInt()).isEmpty()) {
            throw new BadRequest("no such node: " + n);
        }
        return n.asInt();
    }

    @FunctionalInterface
    private interface AdminOp {
        String on(AdminService admin) throws Exception;
    }

    /** One admin operation on node {@code id}, with a deadline; its answer is the message. */
    private Result admin(int id, AdminOp op, String what) throws InterruptedException {
        Future<String> f = calls.submit(() -> op.on(nodes.admin(id)));
        try {
            String answer = f.get(answerMs, TimeUnit.MILLISECONDS);
            if (what.equals("crash")) {
                nodes.forget(id);
            }
            return new Result(true, answer);
        } catch (TimeoutException e) {
            f.cancel(true);
            return new Result(false, "node " + id + " did not answer the " + what + " within " + answerMs + " ms");
        } catch (ExecutionException e) {
            nodes.forget(id);
            return new Result(false, "node " + id + " could not be asked: " + NodeWatch.why(e.getCause()));
        }
    }

    private Result process(String action, int id) throws InterruptedException {
        try {
            Response r = processes.ask(action + " " + id);
            nodes.forget(id);
            return new Result(r.code() == ExitCodes.OK, r.text());
        } catch (IOException e) {
            return new Result(false, e.getMessage());
        }
    }

    private Result change(Op op, JsonNode p) throws BadRequest {
        JsonNode book = p.path("book");
        String user = p.path("user").asText("");
        String pin = p.path("pin").asText("");
        if (!book.canConvertToInt() || !book.isIntegralNumber() || book.asInt() < 1) {
            throw new BadRequest("choose a book by its id");
        }
        try {
            Outcome outcome = library.change(op, book.asInt(), user, pin);
            libraryChanged.run();
            return new Result(outcome.ok(), outcome.message());
        } catch (IllegalArgumentException e) {
            return new Result(false, e.getMessage());
        } catch (UnavailableException e) {
            return new Result(false, e.getMessage());
        }
    }
}
