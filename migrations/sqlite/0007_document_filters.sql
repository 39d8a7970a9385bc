-- What search filters, sorts and counts by, one narrow row a document. A
-- `documents` row carries the compressed model inline (kilobytes), so filtering
-- or counting the matches of a search, or a whole library, meant reading as many
-- wide rows scattered over the file. These rows are a few dozen bytes, hundreds
-- to a page.
-- Kept by triggers, so that every way a document is written keeps them true.
-- SQLite only: PostgreSQL keeps wide values out of the row (TOAST) already.
CREATE TABLE document_filters (
    id         INTEGER PRIMARY KEY,
    site       TEXT,
    published  TEXT,
    language   TEXT,
    authors    TEXT    NOT NULL,
    story_id   INTEGER NOT NULL,
    added_at   TEXT    NOT NULL
);

INSERT INTO document_filters (id, site, published, language, authors, story_id, added_at)
SELECT id, site, published, language, authors, story_id, added_at FROM documents;

-- The library counts its documents by site and language: read in this order,
-- the counts need no sorting (10 ms rather than 67 ms at 100,000 documents).
CREATE INDEX document_filters_by_site ON document_filters (site, language);

CREATE TRIGGER document_filters_on_insert AFTER INSERT ON documents BEGIN
    INSERT OR REPLACE INTO document_filters (id, site, published, language, authors, story_id, added_at)
    VALUES (new.id, new.site, new.published, new.language, new.authors, new.story_id, new.added_at);
END;

CREATE TRIGGER document_filters_on_update
AFTER UPDATE OF site, published, language, authors, story_id, added_at ON documents BEGIN
    UPDATE document_filters
    SET site = new.site, published = new.published, language = new.language, authors = new.authors,
        story_id = new.story_id, added_at = new.added_at
    WHERE id = new.id;
END;

CREATE TRIGGER document_filters_on_delete AFTER DELETE ON documents BEGIN
    DELETE FROM document_filters WHERE id = old.id;
END;
