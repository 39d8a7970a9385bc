-- Which sources set a document's text. Mirrors migrations/sqlite/0003_source_sets_text.sql.
ALTER TABLE sources ADD COLUMN sets_text BOOLEAN NOT NULL DEFAULT false;
UPDATE sources SET sets_text = true WHERE id IN (SELECT min(id) FROM sources GROUP BY document_id);
