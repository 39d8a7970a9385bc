-- The archive's first schema. Applied migrations are never edited; change the
-- schema with a new numbered file.

-- One row per distinct document (exact duplicates share one row by fingerprint).
-- `model` holds the document model's JSON, zstd-compressed: the source of truth
-- for rendering. The other columns copy the fields that listing and filtering need.
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    fingerprint  TEXT    NOT NULL UNIQUE,
    title        TEXT    NOT NULL,
    published    TEXT,
    site         TEXT,
    language     TEXT,
    url          TEXT,
    -- The authors' names joined by '; ', for the `author:` search filter.
    authors      TEXT    NOT NULL DEFAULT '',
    excerpt      TEXT    NOT NULL,
    word_count   INTEGER NOT NULL,
    -- The story cluster: the id of the cluster's first document. Rewrites and
    -- syndicated copies of one story share it.
    story_id     INTEGER NOT NULL DEFAULT 0,
    model        BLOB    NOT NULL,
    added_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX documents_by_added ON documents (added_at DESC, id DESC);
CREATE INDEX documents_by_published ON documents (published DESC, id DESC);
CREATE INDEX documents_by_url ON documents (url) WHERE url IS NOT NULL;
CREATE INDEX documents_by_site ON documents (site);
CREATE INDEX documents_by_story ON documents (story_id);

-- Near-duplicate detection: each document's bottom-k sketch of hashed word pairs
-- (see dossier-storage's similarity module), and its smallest hashes as lookup keys.
CREATE TABLE document_sketches (
    document_id  INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    sketch       BLOB    NOT NULL
);
CREATE TABLE sketch_keys (
    key          INTEGER NOT NULL,
    document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (key, document_id)
) WITHOUT ROWID;

-- Earlier versions of a document: the same URL imported again with changed text
-- moves the previous model here and the new one into `documents`.
CREATE TABLE revisions (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    fingerprint   TEXT    NOT NULL,
    model         BLOB    NOT NULL,
    superseded_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX revisions_by_document ON revisions (document_id, id);
CREATE INDEX revisions_by_fingerprint ON revisions (fingerprint);

CREATE TABLE tags (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE document_tags (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    tag_id      INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (document_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX document_tags_by_tag ON document_tags (tag_id, document_id);

-- Full-text index over title and body. Contentless: the text itself lives once,
-- in `documents.model`; snippets are cut from it for the few hits shown.
-- rowid = documents.id.
CREATE VIRTUAL TABLE documents_fts USING fts5 (
    title,
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Per-term document counts, to plan a query before running it.
CREATE VIRTUAL TABLE documents_fts_terms USING fts5vocab (documents_fts, 'row');

-- The original bytes of every imported input, compressed, once per content hash,
-- so that any document can be parsed again by a newer parser. A rowid table: a
-- WITHOUT ROWID table keeps at most about a quarter of a page in the row, and
-- would push every blob into overflow pages.
CREATE TABLE originals (
    id           INTEGER PRIMARY KEY,
    sha256       TEXT    NOT NULL UNIQUE,
    byte_length  INTEGER NOT NULL,
    compression  TEXT    NOT NULL CHECK (compression IN ('zstd')),
    data         BLOB    NOT NULL
);

-- Where a document came from: one row per (document, location, content).
CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    document_id     INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    location        TEXT    NOT NULL,
    format          TEXT    NOT NULL,
    -- Which of the input's documents this is (0 but for NDJSON and feeds).
    position        INTEGER NOT NULL DEFAULT 0,
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
    outcome      TEXT    NOT NULL CHECK (outcome IN ('imported', 'revised', 'present', 'failed')),
    document_id  INTEGER REFERENCES documents (id) ON DELETE SET NULL,
    error        TEXT
);
CREATE INDEX import_items_by_run ON import_items (run_id);
