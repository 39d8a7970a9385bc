-- The full-text index moves into a file of its own beside the archive
-- (`ARCHIVE-search`), written by a connection of its own, so that an import
-- indexes one batch while its writer stores the next (dossier-storage's
-- `sqlite::search_index`). The index is derived data: `search_pending` lists
-- the documents whose text changed and whose index rows may not be written
-- yet, in the same transaction as the change; an entry goes only once the
-- index file has committed the document's rows, and whatever is listed is
-- indexed again when the archive opens. This lists every stored document, so
-- the first open after this migration builds the new index.
DROP TABLE documents_fts_terms;
DROP TABLE documents_fts;
CREATE TABLE search_pending (document_id INTEGER PRIMARY KEY);
INSERT INTO search_pending (document_id) SELECT id FROM documents;
-- Which archive an index file belongs to: a file whose mark differs (or that
-- has none) is rebuilt from nothing.
CREATE TABLE search_mark (mark INTEGER NOT NULL);
INSERT INTO search_mark (mark) VALUES (random());
