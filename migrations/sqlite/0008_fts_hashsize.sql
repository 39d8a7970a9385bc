-- The full-text index keeps the terms of the rows being written in an
-- in-memory hash and writes them out as a new segment when the hash outgrows
-- `hashsize` (1 MB by default) or the transaction commits. A batch of a few
-- hundred articles outgrew 1 MB in the middle of its one INSERT, so each batch
-- became several small segments to merge later, each flushed inside the
-- statement (every page it wrote was first copied to the statement journal).
-- With 32 MB a batch is flushed once, at its commit: one segment, outside any
-- statement. The memory is the writer's alone, and only while a batch is open.
INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', 33554432);
