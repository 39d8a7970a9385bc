-- The archive's first schema. Applied migrations are never edited; change the
-- schema with a new numbered file.

-- One row per distinct document (exact duplicates share one row by fingerprint).
-- `model` holds the document model's JSON, the source of truth for rendering;
-- the other columns are copies of the fields that listing and filtering need.
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    fingerprint  TEXT    NOT NULL UNIQUE,
    title        TEXT    NOT NULL,
    published    TEXT,
    site         TEXT,
    language     TEXT,
    url          TEXT,
    excerpt      TEXT    NOT NULL,
    word_count   INTEGER NOT NULL,
    model        TEXT    NOT NULL,
    added_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX documents_by_added ON documents (added_at DESC, id DESC);
CREATE INDEX documents_by_published ON documents (published DESC, id DESC);

-- The original bytes of every imported input, compressed, once per content hash,
-- so that any document can be parsed again by a newer parser.
CREATE TABLE originals (
    sha256       TEXT    PRIMARY KEY,
    byte_length  INTEGER NOT NULL,
    compression  TEXT    NOT NULL CHECK (compression IN ('zstd')),
    data         BLOB    NOT NULL
) WITHOUT ROWID;

-- Where a document came from: one row per (document, location, content).
CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    document_id     INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    location        TEXT    NOT NULL,
    format          TEXT    NOT NULL,
    original_sha256 TEXT    NOT NULL REFERENCES originals (sha256),
    imported_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (document_id, location, original_sha256)
);
CREATE INDEX sources_by_location ON sources (location);

-- Every run of `dossier import`, and what became of each item in it.
CREATE TABLE import_runs (
    id           INTEGER PRIMARY KEY,
    started_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at  TEXT
);

CREATE TABLE import_items (
    id           INTEGER PRIMARY KEY,
    run_id       INTEGER NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
    location     TEXT    NOT NULL,
    outcome      TEXT    NOT NULL CHECK (outcome IN ('imported', 'present', 'failed')),
    document_id  INTEGER REFERENCES documents (id) ON DELETE SET NULL,
    error        TEXT
);
CREATE INDEX import_items_by_run ON import_items (run_id);
