-- Entities, quotes and dated events across the archive. Mirrors
-- migrations/sqlite/0005_story.sql, which explains the tables.
CREATE TABLE entities (
    id    BIGINT PRIMARY KEY,
    kind  TEXT   NOT NULL CHECK (kind IN ('person', 'organization', 'place')),
    name  TEXT   NOT NULL
);

CREATE TABLE entity_names (
    kind       TEXT   COLLATE "C" NOT NULL,
    key        TEXT   COLLATE "C" NOT NULL,
    name       TEXT   NOT NULL,
    entity_id  BIGINT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, key)
);
CREATE INDEX entity_names_by_entity ON entity_names (entity_id);

CREATE TABLE document_entities (
    entity_id    BIGINT  NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    document_id  BIGINT  NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    mentions     INTEGER NOT NULL,
    PRIMARY KEY (entity_id, document_id, position)
);
CREATE INDEX document_entities_by_document ON document_entities (document_id, position);

CREATE TABLE quotes (
    document_id  BIGINT  NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    text         TEXT    NOT NULL,
    speaker      TEXT,
    entity_id    BIGINT  REFERENCES entities (id) ON DELETE SET NULL,
    digest       TEXT    COLLATE "C" NOT NULL,
    PRIMARY KEY (document_id, position)
);
CREATE INDEX quotes_by_digest ON quotes (digest);
CREATE INDEX quotes_by_entity ON quotes (entity_id) WHERE entity_id IS NOT NULL;

CREATE TABLE events (
    document_id  BIGINT  NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    date         TEXT    COLLATE "C" NOT NULL,
    approximate  BOOLEAN NOT NULL DEFAULT false,
    text         TEXT    NOT NULL,
    PRIMARY KEY (document_id, position)
);
CREATE INDEX events_by_date ON events (date, document_id);

CREATE TABLE story_backlog (
    document_id  BIGINT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE
);
INSERT INTO story_backlog (document_id) SELECT id FROM documents;
