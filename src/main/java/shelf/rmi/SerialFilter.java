package shelf.rmi;

import java.io.ObjectInputFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JEP 290 filter on every object a node exports: arguments of remote calls may only be the few
 * Shelf and JDK types that remote calls carry. Anything else (a deserialization gadget) is refused
 * before it is instantiated, logged, and the call fails; the node goes on serving.
 *
 * <p>The registry keeps the JDK's own built-in registry filter, which admits only stubs, strings and
 * numbers.
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

    private final ObjectInputFilter allowed = ObjectInputFilter.Config.createFilter(PATTERN);
    private final String me;

    SerialFilter(String me) {
        this.me = me;
    }

    @Override
    public Status checkInput(FilterInfo info) {
        Status status = allowed.checkInput(info);
        if (status == Status.REJECTED) {
            log.warn("{}: refused to deserialize {} in a remote call (serialization filter: {})", me,
                    info.serialClass() == null ? "a graph over the size limits" : info.serialClass().getName(), PATTERN);
        }
        return status;
    }
}
