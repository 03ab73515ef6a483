package shelf.util;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Exception chains, for the one-line messages users see (RMI wraps the cause that explains a failure). */
public final class Throwables {
    private Throwables() {
    }

    /**
     * The innermost cause of {@code e}: {@code e} itself when it has none. A chain that loops back on itself
     * (possible with {@code initCause}) ends at the first exception met twice.
     */
    public static Throwable rootCause(Throwable e) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable root = e;
        while (root.getCause() != null && seen.add(root)) {
            root = root.getCause();
        }
        return root;
    }
}
