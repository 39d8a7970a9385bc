-- Local copies of the images documents show: the reading view serves these and
-- never links to an image elsewhere. Stored once per content, however many
-- documents show it. Kept as imported: the formats allowed (PNG, JPEG, GIF,
-- WebP, AVIF) are compressed already.
CREATE TABLE images (
    id           INTEGER PRIMARY KEY,
    sha256       TEXT    NOT NULL UNIQUE,
    media_type   TEXT    NOT NULL,
    byte_length  INTEGER NOT NULL,
    data         BLOB    NOT NULL
);

-- Which stored image each of a document's image blocks shows, by the block's
-- `src` as the document model has it.
CREATE TABLE document_images (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    src           TEXT    NOT NULL,
    image_sha256  TEXT    NOT NULL REFERENCES images (sha256),
    UNIQUE (document_id, src)
);
