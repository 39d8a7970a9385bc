-- A model may be compressed against the bytes of its original. Mirrors
-- migrations/sqlite/0015_model_original.sql.
ALTER TABLE documents ADD COLUMN model_original TEXT REFERENCES originals (sha256);
ALTER TABLE revisions ADD COLUMN model_original TEXT REFERENCES originals (sha256);
