-- Passages the reader highlighted in a document, with their notes, as an export
-- (Omnivore, Readeck, Wallabag, …) carried them. They are the reader's
-- annotations on the document, like its tags, not part of its text: a table of
-- their own rather than the model, so that a document revised or parsed again
-- keeps them, and the same text imported from a second export gains that
-- export's highlights.
CREATE TABLE highlights (
    id              INTEGER PRIMARY KEY,
    document_id     INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    -- The passage; NULL for a note on the whole document.
    text            TEXT,
    note            TEXT,
    -- When it was made (ISO 8601), when the export says.
    created         TEXT,
    -- SHA-256 of the passage and the note (see dossier-storage's import module):
    -- the same highlight imported again is one row. A hash rather than the text,
    -- since PostgreSQL cannot index a passage longer than about 2.7 kB, and the
    -- two schemas keep one rule.
    digest          TEXT    NOT NULL,
    -- The input it was imported from; NULL for one made in the reader.
    original_sha256 TEXT    REFERENCES originals (sha256),
    imported_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (text IS NOT NULL OR note IS NOT NULL),
    -- Also the index by document.
    UNIQUE (document_id, digest)
);
