-- Two indexes every import paid for and no query was served by.
--
-- Each document added changes a page of every index on its row, and an index
-- on a column whose values are spread over the archive (a site among hundreds)
-- has its changed pages spread too: a batch of a few hundred documents changed
-- a page of each index a document, and every changed page is written whole,
-- 16 KiB, to the log and again into the file. These two were a quarter of the
-- pages in the log during an import of 300,000 documents (its frame headers
-- read against `dbstat`).
--
-- `documents_by_site`: every site filter compares with `COLLATE NOCASE`, which
-- an index of the column's own (binary) collation cannot seek; the planner only
-- ever scanned it whole.
DROP INDEX documents_by_site;

-- `document_filters_by_site`: kept the whole library's counts in order before
-- `library_counts` (migration 0010) took them over. A filtered count chose it
-- and then read the table in its order, a row at a time: 194 ms at 100,000
-- documents for `after:2024` against 25 ms reading the table straight through.
DROP INDEX document_filters_by_site;
