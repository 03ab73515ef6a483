package shelf.library;

import java.util.List;
import java.util.Optional;

/**
 * Where the library's users are kept, readable by every node: today a file in the shared library folder
 * ({@link FileUserDirectory}); a database table when the library moves to one.
 *
 * <p>Nodes read it on RMI threads, concurrently; the {@code users} command writes it, and a write is seen by every node
 * at its next read. Implementations are thread-safe, and every method may block on storage.
 */
public interface UserDirectory {
    /** The length of the key that signs session tickets, and the least a directory's key may have. */
    int SESSION_KEY_BYTES = 32;

    /** The user's credential, or empty when there is no such user (or no directory yet). */
    Optional<UserCredential> find(String name) throws StoreException;

    /** Every user's name, sorted. */
    List<String> names() throws StoreException;

    /**
     * The key that signs session tickets: random, created with the directory, the same for every node, so that a
     * ticket issued by one node is accepted by the others after a failover.
     *
     * @throws StoreException also when the directory does not exist yet
     */
    byte[] sessionKey() throws StoreException;

    /** Adds a user, creating the directory and its session key if needed; false when the name is already taken. */
    boolean add(UserCredential user) throws StoreException;

    /** Removes a user, ending their sessions; false when there is no such user. */
    boolean remove(String name) throws StoreException;

    /** Where the directory is, for messages. */
    String location();
}
