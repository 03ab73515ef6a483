-- The library's users with users=postgresql (shelf.store.PostgresUserDirectory): every node reads them here, so a change
-- is seen on every host at once. A salted slow hash of each PIN (PBKDF2), never the PIN.
CREATE TABLE users (
    name       text    PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9._-]{1,64}$'),
    algorithm  text    NOT NULL,
    iterations integer NOT NULL,
    salt       bytea   NOT NULL,
    hash       bytea   NOT NULL
);

-- The key that signs session tickets, the same for every node (a ticket from one is good at another after a failover).
-- One row, created with the first user.
CREATE TABLE session_key (
    id  integer PRIMARY KEY CHECK (id = 1),
    key bytea   NOT NULL CHECK (octet_length(key) >= 32)
);
