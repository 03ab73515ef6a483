package shelf.cli;

import java.io.PrintStream;
import java.io.Serializable;
import java.rmi.RemoteException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shelf.api.LibraryService;
import shelf.api.UnavailableException;
import shelf.config.NodeAddress;
import shelf.library.AccessRefusedException;
import shelf.library.Book;
import shelf.library.Command;
import shelf.library.HistoryRecord;
import shelf.library.Op;
import shelf.library.Outcome;
import shelf.library.Page;
import shelf.util.ExitCodes;
import shelf.util.Texts;

/**
 * One client's commands against its node: parses a command line's words, calls the node, prints the
 * answer (human or JSON) and returns the exit code. Used by one-shot runs and by the interactive prompt.
 *
 * <p>When the node requires a login (user authentication on), the session logs in once, the first time a command
 * needs it (or at the start of the interactive prompt, {@link #logIn}), and sends the ticket with every later change
 * and {@code loans}; {@code list} and {@code history} need none.
 */
final class ClientSession {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    static final String HELP = "commands:\n"
            + "  list               every book, on the shelf or on loan\n"
            + "  borrow <bookId>    take a book off the shelf\n"
            + "  return <bookId>    give back a book you borrowed\n"
            + "  renew <bookId>     extend your loan by one loan period\n"
            + "  loans              the books you have\n"
            + "  history [<bookId>] [--limit N] [--after SEQ]\n"
            + "                     every change to the library (or to one book): N records after record SEQ\n"
            + "  node [<id>]        the node asked first (the prompt fails over to the others)\n"
            + "  help               this list\n"
            + "  quit               leave (interactive only)";

    private final String user;
    private final LibraryConnection library;
    private final boolean json;
    private final PrintStream out;
    private final PrintStream err;
    private final Pins.Source pins;
    private boolean loggedIn;
    /** The request id of the command running now: a change sends it to the node, the client log names it. */
    private String requestId;
    /** The session's ticket once logged in; null while the node requires no login. */
    private String ticket;

    ClientSession(String user, NodeAddress node, List<Integer> otherNodes, LibraryService library, boolean json,
                  PrintStream out, PrintStream err) {
        this(user, node, otherNodes, library, json, out, err, Pins.forClient(null, user, Map.of(), null));
    }

    /** A session of one node only (no failover), {@code otherNodes} named in its messages: as before failover. */
    ClientSession(String user, NodeAddress node, List<Integer> otherNodes, LibraryService library, boolean json,
                  PrintStream out, PrintStream err, Pins.Source pins) {
        this(user, strict(node, otherNodes, library, err), json, out, err, pins);
    }

    ClientSession(String user, LibraryConnection library, boolean json, PrintStream out, PrintStream err,
                  Pins.Source pins) {
        this.pins = pins;
        this.user = user;
        this.library = library;
        library.logAs(user);
        this.json = json;
        this.out = out;
        this.err = err;
    }

    private static LibraryConnection strict(NodeAddress node, List<Integer> otherNodes, LibraryService library,
                                            PrintStream err) {
        List<NodeAddress> nodes = new ArrayList<>();
        nodes.add(node);
        otherNodes.forEach(id -> nodes.add(new NodeAddress(id, node.host(), node.port()))); // named, never dialled
        return new LibraryConnection(nodes, node.id(), n -> library, false,
                new LibraryConnection.Timeouts(10_000, 60_000, 60_000), err);
    }

    /** The node asked first now (for the prompt). */
    NodeAddress node() {
        return library.current();
    }

    /** Runs one command; prints its result or a one-line error; returns the exit code. */
    int run(List<String> words) {
        if (words.isEmpty()) {
            return ExitCodes.OK;
        }
        String command = words.get(0).toLowerCase(java.util.Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        requestId = UUID.randomUUID().toString();
        library.beginRequest();
        long started = System.nanoTime();
        int code = ExitCodes.UNAVAILABLE;
        String why = "";
        try {
            code = dispatch(command, args);
            return code;
        } catch (CliException e) {
            report(e);
            code = e.exitCode();
            why = ": " + e.getMessage();
            return code;
        } catch (RuntimeException e) {
            why = ": " + e;
            throw e;
        } finally {
            // One line per request, failures included; a change's request id is also in the log of the node(s) asked.
            log.info("client {}: request {}: {}: {}: exit {} {}{} ({} ms)", user, requestId, String.join(" ", words),
                    library.route(), code, outcome(code), why, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** The word for an exit code, in the client log and in the JSON error document. */
    static String outcome(int exitCode) {
        return switch (exitCode) {
            case ExitCodes.OK -> "ok";
            case ExitCodes.USAGE -> "usage";
            case ExitCodes.REFUSED -> "refused";
            case ExitCodes.DENIED -> "denied";
            default -> "unavailable";
        };
    }

    /** An error: one line on stderr and, with {@code --json}, also one document on stdout (DESIGN §4). */
    private void report(CliException e) {
        err.println(e.getMessage());
        if (json) {
            out.println(errorDocument(e));
        }
    }

    /** {@code {"ok":false,"error":"usage|refused|unavailable|denied","message":"…"}} for an error's exit code. */
    static String errorDocument(CliException e) {
        return errorDocument(e.exitCode(), e.getMessage());
    }

    /** The error document for an exit code (2 usage, 1 refused, 4 denied, else unavailable) and its message. */
    static String errorDocument(int exitCode, String message) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("ok", false);
        doc.put("error", outcome(exitCode));
        doc.put("message", message);
        return toJson(doc);
    }

    /** The library's book ids, for the prompt's tab completion; empty when no node answers (said on stderr). */
    List<String> bookIds() {
        try {
            List<String> ids = new ArrayList<>();
            readPages(ClientSession::listPage, Book::id, 0, Long.MAX_VALUE,
                    page -> page.forEach(b -> ids.add(String.valueOf(b.id()))));
            return ids;
        } catch (CliException e) {
            return List.of();
        }
    }

    /** The configured node ids, for the prompt's tab completion. */
    List<Integer> nodeIds() {
        return library.ids();
    }

    /**
     * Logs in now if the node requires it (the interactive prompt does, once, before its first command); prints a
     * one-line error and returns its exit code if that fails (1: wrong PIN; 2: no PIN to read; 3: unavailable).
     */
    int logIn() {
        try {
            ticket();
            return ExitCodes.OK;
        } catch (CliException e) {
            report(e);
            log.info("client {}: login via node {}: exit {}: {}", user, node().id(), e.exitCode(), e.getMessage());
            return e.exitCode();
        }
    }

    /** The session's ticket, null when the node requires no login; the first call asks the node, and logs in if so. */
    private String ticket() {
        if (!loggedIn) {
            ticket = call(LibraryService::authenticationRequired) ? login() : null;
            loggedIn = true;
        }
        return ticket;
    }

    /**
     * The one PIN check of this session (a slow hash on the node). The PIN is read before the call, not within it: a
     * person typing it is no node taking its time, so no "waiting for node" notice, no deadline, no failover meanwhile.
     */
    private String login() {
        char[] pin = pins.read();
        try {
            String pinText = new String(pin);
            String t = call(l -> l.login(user, pinText));
            log.info("client {}: logged in", user);
            return t;
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    private int dispatch(String command, List<String> args) {
        return switch (command) {
            case "list" -> {
                noArgs(command, args);
                Listing<Book> books = new Listing<>(json, out, b -> b);
                readPages(ClientSession::listPage, Book::id, 0, Long.MAX_VALUE, books::add);
                books.finish("the library has no books");
                yield ExitCodes.OK;
            }
            case "borrow" -> change(Op.BORROW, args);
            case "return" -> change(Op.RETURN, args);
            case "renew" -> change(Op.RENEW, args);
            case "loans" -> {
                noArgs(command, args);
                String session = ticket();
                Listing<Book> books = new Listing<>(json, out, b -> b);
                books.add(call(l -> l.loans(user, session)));
                books.finish(user + " has no books on loan");
                yield ExitCodes.OK;
            }
            case "history" -> history(args);
            case "node" -> node(args);
            case "help" -> {
                out.println(HELP);
                yield ExitCodes.OK;
            }
            default -> throw new CliException(ExitCodes.USAGE,
                    "unknown command '" + Texts.quoted(command) + "'; type 'help' for the list");
        };
    }

    private int change(Op op, List<String> args) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT);
        if (args.size() != 1) {
            throw new CliException(ExitCodes.USAGE, "usage: " + name + " <bookId>");
        }
        long id = bookId(args.get(0));
        Outcome outcome;
        if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
            outcome = new Outcome(false, "unknown book " + id, null);
        } else {
            Command command = new Command(requestId, op, (int) id, user);
            String session = ticket();
            outcome = call(l -> l.execute(command, session)); // the same command, request id and all, on every node tried
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("ok", outcome.ok());
            doc.put("message", outcome.message());
            doc.put("book", outcome.book());
            out.println(toJson(doc));
        } else if (outcome.ok()) {
            out.println(outcome.message());
        } else {
            err.println("refused: " + outcome.message());
        }
        return outcome.ok() ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    private int history(List<String> args) {
        HistoryRequest request = HistoryRequest.parse(args);
        Integer bookId = request.bookId();
        Listing<HistoryRecord> records = new Listing<>(json, out, ClientSession::historyDocument);
        long[] last = {request.after()};
        boolean more = readPages((l, after, limit) -> l.history(bookId, after, limit), HistoryRecord::seq,
                request.after(), request.limit() == null ? Long.MAX_VALUE : request.limit(), page -> {
                    records.add(page);
                    last[0] = page.isEmpty() ? last[0] : page.get(page.size() - 1).seq();
                });
        records.finish((bookId == null ? "no history" : "no history for book " + bookId)
                + (request.after() > 0 ? " after record " + request.after() : bookId == null ? " yet" : ""));
        if (more) {
            err.println("more records follow: " + request.next(last[0]));
        }
        return ExitCodes.OK;
    }

    /** A record as {@code history --json} shows it (DESIGN §1): the contract's seven fields. */
    private static Map<String, Object> historyDocument(HistoryRecord r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("seq", r.seq());
        doc.put("time", r.time().toString());
        doc.put("op", r.op().name());
        doc.put("bookId", r.bookId());
        doc.put("user", r.user());
        doc.put("node", r.node());
        doc.put("token", r.token());
        return doc;
    }

    /** A page of the catalogue: books are keyed by their int id, so the cursor is one. */
    private static Page<Book> listPage(LibraryService library, long afterId, int limit)
            throws RemoteException, UnavailableException {
        return library.list((int) afterId, limit);
    }

    /** One page of a long answer, asked of whichever node serves it. */
    @FunctionalInterface
    private interface PageRead<T extends Serializable> {
        Page<T> after(LibraryService library, long after, int limit)
                throws RemoteException, UnavailableException, AccessRefusedException;
    }

    /**
     * Reads up to {@code limit} items with a key above {@code after}, page by page (each page a call of its own, failing
     * over as any call does), and hands each page to {@code sink}; returns whether more items follow the last one read.
     * A node's page is believed only if its keys go up from where it was asked to start.
     */
    private <T extends Serializable> boolean readPages(PageRead<T> read, ToLongFunction<T> key, long after, long limit,
                                                       Consumer<List<T>> sink) {
        long cursor = after;
        long left = limit;
        while (true) {
            long from = cursor;
            int size = (int) Math.min(left, LibraryService.MAX_PAGE);
            Page<T> page = call(l -> read.after(l, from, size));
            if (page.items().size() > size) {
                throw outOfOrder(page.items().size() + " items for a page of " + size);
            }
            for (T item : page.items()) {
                long k = key.applyAsLong(item);
                if (k <= cursor) {
                    throw outOfOrder(k + " after " + cursor);
                }
                cursor = k;
            }
            sink.accept(page.items());
            left -= page.items().size();
            if (!page.more() || left == 0) {
                return page.more();
            }
            if (page.items().isEmpty()) {
                throw outOfOrder("an empty page with more to follow");
            }
        }
    }

    private CliException outOfOrder(String what) {
        return new CliException(ExitCodes.UNAVAILABLE, "node " + node().id() + " answered a page that is not the next one ("
                + what + "); try another node");
    }

    private static void noArgs(String command, List<String> args) {
        if (!args.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "usage: " + command + " (takes no arguments)");
        }
    }

    static long bookId(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, "book id must be a whole number, got '" + Texts.quoted(text) + "'");
        }
    }

    private int node(List<String> args) {
        if (args.size() > 1) {
            throw new CliException(ExitCodes.USAGE, "usage: node [<id>]");
        }
        if (args.size() == 1) {
            int id;
            try {
                id = Integer.parseInt(args.get(0).strip());
            } catch (NumberFormatException e) {
                throw new CliException(ExitCodes.USAGE,
                        "node id must be a whole number, got '" + Texts.quoted(args.get(0)) + "'");
            }
            library.prefer(id);
        }
        NodeAddress now = library.current();
        out.println(json ? toJson(Map.of("node", now.id(), "address", now.toString()))
                : "node " + now.id() + " at " + now + " is asked first");
        return ExitCodes.OK;
    }

    /** The request on the current node, failing over as the connection does; exit 1 and 2 for answers that say so. */
    private <T> T call(LibraryConnection.Attempt<T> attempt) {
        try {
            return library.call(attempt);
        } catch (AccessRefusedException e) {
            throw new CliException(ExitCodes.REFUSED, e.getMessage());
        } catch (SecurityException e) {
            throw new CliException(ExitCodes.DENIED, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private static String toJson(Object value) {
        return Listing.toJson(value);
    }
}
