-- Shelf's library in PostgreSQL (shelf.store.PostgresLibraryStore). Applied by Flyway when a node or `init` opens it.

-- The catalogue and each book's current loan (borrower and due null: on the shelf).
CREATE TABLE books (
    id       integer PRIMARY KEY CHECK (id >= 1),
    title    text    NOT NULL CHECK (title <> ''),
    author   text    NOT NULL,
    borrower text,
    due      date,
    CHECK ((borrower IS NULL) = (due IS NULL))
);

-- Every change, forever, in order; the same fields as a line of history.log.
CREATE TABLE history (
    seq           bigint      PRIMARY KEY CHECK (seq >= 1),
    time          timestamptz NOT NULL,
    op            text        NOT NULL CHECK (op IN ('BORROW', 'RETURN', 'RENEW')),
    book_id       integer     NOT NULL REFERENCES books (id),
    username      text        NOT NULL,
    node          integer     NOT NULL,
    token_epoch   bigint      NOT NULL,
    token_counter bigint      NOT NULL,
    due           date,
    -- a client's request id is applied once, whichever node it reaches
    request_id    text        UNIQUE
);
CREATE INDEX history_by_book ON history (book_id, seq);

-- The fence: the highest fencing token accepted, by which node, and the last history record. One row; every write
-- takes it FOR UPDATE first, so writes are serialized and ordered by token.
CREATE TABLE fence (
    id            integer PRIMARY KEY CHECK (id = 1),
    token_epoch   bigint  NOT NULL,
    token_counter bigint  NOT NULL,
    node          integer NOT NULL,
    last_seq      bigint  NOT NULL,
    -- changes when the library is created afresh, so a node's copy of the state knows to start over
    library       text    NOT NULL
);
INSERT INTO fence VALUES (1, 0, 0, 0, 0, md5(random()::text || clock_timestamp()::text));

-- Fencing in the database: whoever writes, the fence never goes down, and one token belongs to one node.
CREATE FUNCTION fence_only_rises() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.token_epoch, NEW.token_counter) < (OLD.token_epoch, OLD.token_counter)
        OR ((NEW.token_epoch, NEW.token_counter) = (OLD.token_epoch, OLD.token_counter) AND NEW.node <> OLD.node)
        OR NEW.last_seq < OLD.last_seq
        OR NEW.library <> OLD.library THEN
        RAISE EXCEPTION 'stale fencing token %:% from node %: the library has accepted %:% from node %',
            NEW.token_epoch, NEW.token_counter, NEW.node, OLD.token_epoch, OLD.token_counter, OLD.node
            USING ERRCODE = 'SH001';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER fence_only_rises BEFORE UPDATE ON fence FOR EACH ROW EXECUTE FUNCTION fence_only_rises();
