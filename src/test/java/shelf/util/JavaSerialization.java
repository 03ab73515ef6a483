package shelf.util;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/** Java serialization to and from bytes, as RMI does it on the wire, for tests of serial forms. */
public final class JavaSerialization {
    private JavaSerialization() {
    }

    /** {@code o} as a serialization stream. */
    public static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    /**
     * The object a serialization stream holds, read without the process's serialization filter: a test of a serial
     * form runs in a JVM where an earlier test may have installed Shelf's filter for answers ({@code Stubs.lookup}).
     */
    public static Object deserialize(byte[] stream) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(stream))) {
            in.setObjectInputFilter(info -> ObjectInputFilter.Status.UNDECIDED);
            return in.readObject();
        }
    }
}
