package shelf.rmi;

import java.io.ObjectInputFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JEP 290 filters, both ways. A node's exported objects each get one for the arguments of calls ({@link #PATTERN}):
 * only the few Shelf and JDK types remote calls carry, in small, shallow graphs. Every process that calls a node (the
 * client, the admin CLI and jshell, bench, and nodes calling their peers) reads answers through the process-wide one
 * ({@link #installForAnswers}), so a rogue or compromised node cannot send a gadget, or a HashSet bomb that keeps a
 * client hashing forever, in place of a list of books. Anything refused fails the call before it is instantiated,
 * logged, and the process goes on.
 *
 * <p>The registry keeps the JDK's own built-in registry filter, which admits only stubs, strings and numbers; RMI's
 * distributed garbage collector keeps its own.
 */
final class SerialFilter implements ObjectInputFilter {
    private static final Logger log = LoggerFactory.getLogger(SerialFilter.class);

    /**
     * Exactly the types remote calls carry: the protocol's messages (one, or an array of them), fencing
     * tokens, client commands and their enum; strings and boxed numbers; small, shallow graphs. Everything
     * else, Shelf's other classes included, is refused.
     */
    static final String PATTERN = "shelf.protocol.Message;shelf.protocol.Message$*;shelf.fencing.FencingToken;"
            + "shelf.library.Command;shelf.library.Op;"
            + "java.lang.String;java.lang.Integer;java.lang.Long;java.lang.Number;java.lang.Enum;"
            + "maxdepth=10;maxrefs=1000;maxbytes=65536;maxarray=1024;!*";

    /**
     * What answers carry: Shelf's records (books, history, outcomes, status, lock table) and exceptions; the JDK's
     * lists and maps, dates, boxed numbers, exceptions with their stack traces; stubs (a proxy whose handler is RMI's,
     * with Shelf's socket factories) and the distributed garbage collector's lease. Neither sets nor queues: nothing
     * Shelf answers holds one, and hashing or ordering is where a bomb's work hides. The depth limit is what stops a
     * bomb built of any collection: its cost doubles with each level; a legitimate answer (an exception's chain of
     * causes included) is far shallower. Arrays and references are generous: an answer may list every book.
     */
    static final String ANSWERS = "shelf.api.*;shelf.library.*;shelf.lock.*;shelf.fencing.*;shelf.election.Role;"
            + "shelf.rmi.TlsClientSocketFactory;shelf.rmi.TimeoutClientSocketFactory;"
            + "java.lang.*;java.util.ArrayList;java.util.Arrays$ArrayList;java.util.CollSer;java.util.ImmutableCollections$*;"
            + "java.util.Collections$Unmodifiable*;java.util.Collections$Empty*;java.util.Collections$Singleton*;"
            + "java.util.TreeMap;java.util.HashMap;java.util.LinkedHashMap;java.time.Ser;java.time.*;"
            + "java.rmi.*;java.rmi.dgc.*;java.rmi.server.RemoteObjectInvocationHandler;java.rmi.server.RemoteObject;"
            + "java.rmi.server.UID;java.rmi.server.ObjID;java.rmi.server.*Exception;"
            + "java.io.*Exception;java.net.*Exception;javax.net.ssl.*Exception;java.util.*Exception;"
            + "java.util.concurrent.*Exception;java.nio.file.*Exception;java.security.*Exception;"
            + "maxdepth=20;maxrefs=5000000;maxarray=5000000;!*";

    private static volatile boolean answersInstalled;

    private final ObjectInputFilter allowed;
    private final String me;
    private final String what;

    private SerialFilter(String pattern, String me, String what) {
        this.allowed = ObjectInputFilter.Config.createFilter(pattern);
        this.me = me;
        this.what = what;
    }

    /** The filter for the arguments of calls to {@code me}'s exported objects. */
    SerialFilter(String me) {
        this(PATTERN, me, "in a remote call");
    }

    /** The filter for answers this process reads. */
    static SerialFilter forAnswers() {
        return new SerialFilter(ANSWERS, "this process", "in an answer");
    }

    /**
     * Makes {@link #ANSWERS} this process's serialization filter, once; later calls do nothing. Every Shelf caller
     * gets its stubs from {@link Stubs}, which calls this first. A filter the operator set for the JVM
     * ({@code -Djdk.serialFilter}) stays, with a warning.
     */
    static void installForAnswers() {
        if (answersInstalled) {
            return;
        }
        synchronized (SerialFilter.class) {
            if (answersInstalled) {
                return;
            }
            ObjectInputFilter current = ObjectInputFilter.Config.getSerialFilter();
            if (current == null) {
                ObjectInputFilter.Config.setSerialFilter(forAnswers());
            } else if (!(current instanceof SerialFilter)) {
                log.warn("this process already has a serialization filter ({}); Shelf's filter for answers is not installed",
                        current);
            }
            answersInstalled = true;
        }
    }

    @Override
    public Status checkInput(FilterInfo info) {
        Status status = allowed.checkInput(info);
        if (status == Status.REJECTED) {
            log.warn("{}: refused to deserialize {} {} (serialization filter: depth {}, references {}, array length {})",
                    me, info.serialClass() == null ? "a graph over the size limits" : info.serialClass().getName(), what,
                    info.depth(), info.references(), info.arrayLength());
        }
        return status;
    }

    @Override
    public String toString() {
        return "Shelf's filter " + what;
    }
}
