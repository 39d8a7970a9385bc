-- A model may be compressed against the bytes of the original it was parsed
-- from (the only document of its input, of at most 64 KiB): most of a model is
-- the article's text, which its original holds too, so it takes a fifth of the
-- space. `model_original` names that original; NULL for a model compressed
-- alone, as every model stored before this migration is. Originals are never
-- deleted.
ALTER TABLE documents ADD COLUMN model_original TEXT REFERENCES originals (sha256);
ALTER TABLE revisions ADD COLUMN model_original TEXT REFERENCES originals (sha256);
