package shelf.config;

import java.io.Serializable;

/** Where a node listens: the host peers and clients dial, and its one port (registry and objects). */
public record NodeAddress(int id, String host, int port) implements Serializable {
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
