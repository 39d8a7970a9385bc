-- Which sources set a document's text: the import that created it and each one
-- that revised it, but not later copies of the same text, nor bare links to it.
-- `dossier reparse` parses the newest of them again, so that it rebuilds the
-- current text rather than the first one. Earlier archives did not record it:
-- their first source stands in, as `reparse` used it before.
ALTER TABLE sources ADD COLUMN sets_text INTEGER NOT NULL DEFAULT 0;
UPDATE sources SET sets_text = 1 WHERE id IN (SELECT min(id) FROM sources GROUP BY document_id);
