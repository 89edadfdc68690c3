-- Files a citizen attaches to the answer to a supplement request (the
-- documents the agency asked for again), like `attachment` for drafts but by
-- dossier code, since a supplement answer is no draft. Each row is its
-- owner's (the signed-in person's OpenID Connect subject, as in
-- `0006_owner_subject.sql`), and names that person's dossier, so on a shared
-- device one person's answer never lists another's files. The bytes live in
-- the same encrypted, content-named files, so a file is removed only when no
-- row of either table, of anyone, names it: that question is asked by file
-- name alone, like `attachment_by_file`.
CREATE TABLE supplement_attachment (
    subject TEXT NOT NULL,
    code TEXT NOT NULL,
    document_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    original_name TEXT NOT NULL,
    PRIMARY KEY (subject, code, document_id, sha256),
    FOREIGN KEY (subject, code) REFERENCES dossier (subject, code)
);
CREATE INDEX supplement_attachment_by_file ON supplement_attachment (file_name);
