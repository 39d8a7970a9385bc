-- The library narrowed to a language, newest first, read in order.
--
-- `documents_by_language` held the language alone: the planner found a
-- language's documents through it and then sorted all of them for each page,
-- which for the archive's main language is nearly the whole archive (351 ms a
-- page at 100,000 documents). Keyed by language and then by the library's
-- order, the same seek reads a page's rows in order and stops. An import still
-- changes one page of it a language in its batch: new documents sort together
-- within their language.
DROP INDEX documents_by_language;
CREATE INDEX documents_by_language ON documents (language, added_at DESC, id DESC);
