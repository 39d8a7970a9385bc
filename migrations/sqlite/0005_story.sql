-- Following a story across the archive: the people, organisations and places the
-- documents name, the quotes they print and the dated events they report.
--
-- These tables are an index of what the stored models say (`documents.model`
-- holds each document's entities, quotes and events), rebuilt for a document
-- whenever its text is written: imported, revised or parsed again. Entities and
-- the names that resolve to them are the exception: they are never rebuilt, so a
-- correction made with `dossier entities merge` or `rename` keeps applying to
-- every document parsed after it.

-- One real-world entity: a person, organisation or place, however many
-- documents name it.
CREATE TABLE entities (
    id    INTEGER PRIMARY KEY,
    kind  TEXT    NOT NULL CHECK (kind IN ('person', 'organization', 'place')),
    -- The name shown: the fullest name a document gave it, or the one a person chose.
    name  TEXT    NOT NULL
);

-- Every name that means an entity, normalised (see dossier-storage's story
-- module): its own names and aliases as documents gave them, and the names of
-- entities merged into it. A document's entity is the one its name (or else one
-- of its aliases) resolves to here, whatever the kind it was typed as.
CREATE TABLE entity_names (
    kind       TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    -- The name as it was first written.
    name       TEXT    NOT NULL,
    entity_id  INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX entity_names_by_entity ON entity_names (entity_id);

-- Which documents name which entity. `position` is the entity's index in the
-- document model's `entities`, so the reading view can link each mention.
CREATE TABLE document_entities (
    entity_id    INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    mentions     INTEGER NOT NULL,
    PRIMARY KEY (entity_id, document_id, position)
) WITHOUT ROWID;
CREATE INDEX document_entities_by_document ON document_entities (document_id, position);

-- Every quote a document prints. `digest` identifies the words whatever their
-- case, punctuation or spacing: outlets printing the same quote share it.
CREATE TABLE quotes (
    document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    text         TEXT    NOT NULL,
    speaker      TEXT,
    entity_id    INTEGER REFERENCES entities (id) ON DELETE SET NULL,
    digest       TEXT    NOT NULL,
    PRIMARY KEY (document_id, position)
);
CREATE INDEX quotes_by_digest ON quotes (digest);
CREATE INDEX quotes_by_entity ON quotes (entity_id) WHERE entity_id IS NOT NULL;

-- Every dated event a document reports: the date its text gives, resolved
-- (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), and the sentence it came from.
CREATE TABLE events (
    document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    date         TEXT    NOT NULL,
    approximate  INTEGER NOT NULL DEFAULT 0,
    text         TEXT    NOT NULL,
    PRIMARY KEY (document_id, position)
);
CREATE INDEX events_by_date ON events (date, document_id);

-- Documents stored before this migration, to index from their stored models;
-- opening the archive works through it (see dossier-storage's story module).
CREATE TABLE story_backlog (
    document_id  INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE
);
INSERT INTO story_backlog (document_id) SELECT id FROM documents;
