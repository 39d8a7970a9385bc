-- What the reader has done with each document: whether it was read, and how far
-- into it they got. Mirrors migrations/sqlite/0002_reading.sql.
CREATE TABLE reading_states (
    document_id  BIGINT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    -- When it was marked read; NULL while unread.
    read_at      TEXT   COLLATE "C",
    -- The body block the reader had reached (0: the beginning).
    position     BIGINT NOT NULL DEFAULT 0,
    updated_at   TEXT   COLLATE "C" NOT NULL
                 DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
);

-- The library filters by language.
CREATE INDEX documents_by_language ON documents (language);
