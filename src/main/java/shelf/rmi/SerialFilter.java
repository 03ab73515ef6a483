package shelf.rmi;

import java.io.ObjectInputFilter;
import java.lang.reflect.Proxy;
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
    /**
     * The logger, got only when there is something to say: a caller's first lookup installs the filter, often on a
     * thread with a deadline, and getting a logger first initializes logging (seconds on a loaded machine).
     */
    private static Logger log() {
        return LoggerFactory.getLogger(SerialFilter.class);
    }

    /**
     * Exactly the types remote calls carry: the protocol's messages (one, travelling as a {@code Wire}, whose
     * record the filter sees as well, or a {@code Batch} of them), fencing
     * tokens, client commands and their enum, an operator's faults (their array form, and the Faults it
     * resolves to: a Faults written as itself would need a set, which is refused); strings and boxed numbers;
     * small, shallow graphs. Everything else, Shelf's other classes included, is refused.
     */
    static final String PATTERN = "shelf.protocol.Batch;shelf.protocol.Message$*;shelf.protocol.Wire;"
            + "shelf.fencing.FencingToken;"
            + "shelf.library.Command;shelf.library.Op;shelf.api.Faults;shelf.api.Faults$Wire;"
            + "java.lang.String;java.lang.Integer;java.lang.Long;java.lang.Number;java.lang.Enum;"
            + "maxdepth=10;maxrefs=1000;maxbytes=65536;maxarray=1024;!*";

    /** An answer's limits: a bomb's cost doubles with each level, so depth is what stops one built of any collection. */
    private static final String ANSWER_LIMITS = "maxdepth=20;maxrefs=5000000;maxarray=5000000";

    /**
     * What answers carry: Shelf's records (books, history, outcomes, status, lock table), a peer's messages (the reply
     * to {@code NodeService.deliver}) and exceptions; the JDK's
     * lists and maps, dates, boxed numbers, exceptions with their stack traces; stubs (a proxy whose handler is RMI's,
     * with Shelf's socket factories) and the distributed garbage collector's lease. Two kinds a pattern cannot name
     * pass on the limits alone ({@link #limitsOnly}): a stub's proxy class, and exceptions of the JDK's and Shelf's.
     * Neither sets nor queues: nothing Shelf answers holds one, and hashing or ordering is where a bomb's work hides.
     * A legitimate answer (an exception's chain of causes included) is far shallower than {@link #ANSWER_LIMITS}'s
     * depth; arrays and references are generous: an answer may list every book.
     */
    static final String ANSWERS = "shelf.api.*;shelf.library.*;shelf.lock.*;shelf.fencing.*;shelf.election.Role;"
            + "shelf.protocol.Batch;shelf.protocol.Message$*;shelf.protocol.Wire;"
            + "shelf.rmi.TlsClientSocketFactory;shelf.rmi.TimeoutClientSocketFactory;"
            + "java.lang.*;java.util.ArrayList;java.util.Arrays$ArrayList;java.util.CollSer;"
            + "java.util.ImmutableCollections$*;"
            + "java.util.Collections$Unmodifiable*;java.util.Collections$Empty*;java.util.Collections$Singleton*;"
            + "java.util.TreeMap;java.util.HashMap;java.util.LinkedHashMap;java.time.Ser;java.time.*;"
            + "java.rmi.*;java.rmi.dgc.*;java.rmi.server.RemoteObjectInvocationHandler;java.rmi.server.RemoteObject;"
            + "java.lang.reflect.Proxy;java.rmi.server.UID;java.rmi.server.ObjID;"
            + ANSWER_LIMITS + ";!*";

    private static volatile boolean answersInstalled;

    private final ObjectInputFilter allowed;
    /** The limits alone, for what {@link #limitsOnly} lets in (answers); null for calls, which take neither. */
    private final ObjectInputFilter limits;
    private final String me;
    private final String what;

    private SerialFilter(String pattern, String proxyLimits, String me, String what) {
        this.allowed = ObjectInputFilter.Config.createFilter(pattern);
        this.limits = proxyLimits == null ? null : ObjectInputFilter.Config.createFilter(proxyLimits);
        this.me = me;
        this.what = what;
    }

    /** The filter for the arguments of calls to {@code me}'s exported objects. */
    SerialFilter(String me) {
        this(PATTERN, null, me, "in a remote call");
    }

    /** The filter for answers this process reads. */
    static SerialFilter forAnswers() {
        return new SerialFilter(ANSWERS, ANSWER_LIMITS, "this process", "in an answer");
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
                log().warn("this process already has a serialization filter ({}); Shelf's filter for answers is not installed",
                        current);
            }
            answersInstalled = true;
        }
    }

    @Override
    public Status checkInput(FilterInfo info) {
        boolean limitsOnly = limits != null && limitsOnly(info.serialClass());
        Status status = (limitsOnly ? limits : allowed).checkInput(info);
        if (status == Status.REJECTED) {
            log().warn("{}: refused to deserialize {} {} (serialization filter: depth {}, references {}, array length {})",
                    me, info.serialClass() == null ? "a graph over the size limits" : info.serialClass().getName(), what,
                    info.depth(), info.references(), info.arrayLength());
        }
        return status;
    }

    /**
     * In answers, a stub's proxy class (its name is made up at run time; its interfaces are checked on their own), and
     * an exception of the JDK's {@code java.*}, of TLS or of Shelf's: a node may fail a call with any of them. Not
     * exceptions of other packages ({@code javax.management.BadAttributeValueExpException} is a known gadget).
     */
    private static boolean limitsOnly(Class<?> c) {
        if (c == null) {
            return false;
        }
        String name = c.getName();
        return Proxy.isProxyClass(c) || Throwable.class.isAssignableFrom(c)
                && (name.startsWith("java.") || name.startsWith("javax.net.ssl.") || name.startsWith("shelf."));
    }

    @Override
    public String toString() {
        return "Shelf's filter " + what;
    }
}
