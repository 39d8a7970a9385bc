-- New documents' sketch lookup keys, kept apart from `sketch_keys` until they
-- are many and then moved into it in key order (see dossier-storage's
-- `sqlite::write`). The keys are hashes: written straight into `sketch_keys`,
-- each batch's few thousand keys landed on as many pages, nearly all of the
-- table's, and every page a batch changes is written out again whole (to the
-- log, then back into the file). This table stays small, so a batch changes few
-- of its pages, and the move rewrites each page of `sketch_keys` once for many
-- batches. Lookups read both tables.
CREATE TABLE recent_sketch_keys (
    key          INTEGER NOT NULL,
    document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (key, document_id)
) WITHOUT ROWID;
