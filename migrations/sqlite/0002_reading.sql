-- What the reader has done with each document: whether it was read, and how far
-- into it they got. A table of its own rather than columns of `documents`: imports
-- never write it, and when archives gain accounts it gains an account column.
CREATE TABLE reading_states (
    document_id  INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    -- When it was marked read; NULL while unread.
    read_at      TEXT,
    -- The body block the reader had reached (0: the beginning).
    position     INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The library filters by language.
CREATE INDEX documents_by_language ON documents (language);
