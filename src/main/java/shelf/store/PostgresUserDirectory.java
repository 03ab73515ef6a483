package shelf.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import shelf.library.StoreException;
import shelf.library.UserCredential;
import shelf.library.UserDirectory;

/**
 * The library's users in its PostgreSQL database ({@code users=postgresql}): the {@code users} and {@code session_key}
 * tables (migration V2), which every node reads, so a {@code users add} or {@code remove} is seen on every host at
 * once, where a users file must be copied to each. Each entry read is checked before it is believed, as the file's are:
 * anyone who can write the table could put anything there.
 *
 * <p>A node reads a user at every request (one indexed query: a removed user's sessions end at once); the session key
 * never changes once created, so it is read once. Thread-safe.
 */
public final class PostgresUserDirectory implements UserDirectory {

    private final Database db;
    private final Sessions sessions;
    private final SecureRandom random;
    private volatile byte[] sessionKey;

    private PostgresUserDirectory(Database db, SecureRandom random) {
        this.db = db;
        this.sessions = new Sessions(db);
        this.random = random;
    }

    /**
     * The users of {@code db}'s library, its schema created or brought up to date first.
     *
     * @throws StoreException when the database cannot be reached or upgraded
     */
    public static PostgresUserDirectory open(Database db, SecureRandom random) throws StoreException {
        db.migrate();
        return new PostgresUserDirectory(db, random);
    }

    @Override
    public Optional<UserCredential> find(String name) throws StoreException {
        List<UserCredential> found = sessions.query("reading user " + name,
                "SELECT name, algorithm, iterations, salt, hash FROM users WHERE name = ?", ps -> ps.setString(1, name),
                rs -> new UserCredential(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getBytes(4), rs.getBytes(5)));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        UserCredential user = found.get(0);
        String problem = UserCredential.problem(user);
        if (problem != null) {
            throw new StoreException(location() + ": user " + name + " is not a valid entry: " + problem);
        }
        return Optional.of(user);
    }

    @Override
    public List<String> names() throws StoreException {
        return sessions.query("listing the users", "SELECT name FROM users ORDER BY name", ps -> { }, rs -> rs.getString(1));
    }

    @Override
    public byte[] sessionKey() throws StoreException {
        byte[] key = sessionKey;
        if (key == null) {
            List<byte[]> rows = sessions.query("reading the session key", "SELECT key FROM session_key WHERE id = 1",
                    ps -> { }, rs -> rs.getBytes(1));
            if (rows.isEmpty()) {
                throw new StoreException(location() + " has no users yet: add one first (users add <name>)");
            }
            if (rows.get(0).length < SESSION_KEY_BYTES) {
                throw new StoreException(location() + ": the session key is shorter than " + SESSION_KEY_BYTES + " bytes");
            }
            key = rows.get(0);
            sessionKey = key;
        }
        return key.clone();
    }

    @Override
    public boolean add(UserCredential user) throws StoreException {
        byte[] key = new byte[SESSION_KEY_BYTES];
        random.nextBytes(key);
        return write("adding user " + user.name(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO session_key (id, key) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")) {
                ps.setBytes(1, key);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (name, algorithm, iterations, salt, hash)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, user.name());
                ps.setString(2, user.algorithm());
                ps.setInt(3, user.iterations());
                ps.setBytes(4, user.salt());
                ps.setBytes(5, user.hash());
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean remove(String name) throws StoreException {
        return write("removing user " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public String location() {
        return "the users table of " + db.url();
    }

    /** One change in a transaction of its own. */
    private interface Change {
        boolean apply(Connection c) throws SQLException;
    }

    private boolean write(String doing, Change change) throws StoreException {
        try (Connection c = db.connect()) {
            boolean changed = change.apply(c);
            c.commit();
            return changed;
        } catch (SQLException e) {
            throw db.failed(doing, e);
        }
    }
}
