package shelf.library;

import java.util.Arrays;
import java.util.Locale;

/** A failure an operator injects into a library store's writes ({@code admin store-fault}), until cleared. */
public enum StoreFault {
    /** None: writes work. */
    NONE,
    /** Each append fails before anything is written, as on a full or failing disk: nothing applied. */
    WRITE,
    /** Each fsync fails after the append: the change is in the file but not known durable. */
    FSYNC;

    /** The kind an operator names ({@code write}, {@code fsync}, {@code none}). */
    public static StoreFault parse(String kind) {
        for (StoreFault f : values()) {
            if (f.label().equals(kind)) {
                return f;
            }
        }
        throw new IllegalArgumentException("store fault kinds are " + Arrays.stream(values()).map(StoreFault::label).toList()
                + ", not '" + kind + "'");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
