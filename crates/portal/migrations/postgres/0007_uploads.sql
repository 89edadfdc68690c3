-- Resumable uploads (tus 1.0), addressed by the SHA-256 of their content
-- and owned by the person who uploads: knowing a hash is not enough to use
-- someone else's scan. The content is kept in the database as chunks, so
-- every portal process sees the same upload.
CREATE TABLE upload (
    owner TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    length BIGINT NOT NULL,
    upload_offset BIGINT NOT NULL,
    complete BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    name TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    document TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (owner, sha256)
);

CREATE TABLE upload_chunk (
    owner TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    chunk_offset BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (owner, sha256, chunk_offset),
    FOREIGN KEY (owner, sha256) REFERENCES upload (owner, sha256) ON DELETE CASCADE
);
