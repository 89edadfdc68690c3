-- Two additions of the end-to-end journey.

-- Files a citizen attaches to the answer to a supplement request (the
-- documents the agency asked for again), like `attachment` for drafts but by
-- dossier code, since a supplement answer is no draft. The bytes live in the
-- same encrypted, content-named files, so a file is removed only when no row
-- of either table names it.
CREATE TABLE supplement_attachment (
    code TEXT NOT NULL REFERENCES dossier (code),
    document_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    original_name TEXT NOT NULL,
    PRIMARY KEY (code, document_id, sha256)
);
CREATE INDEX supplement_attachment_by_file ON supplement_attachment (file_name);

-- A draft the citizen submitted: the client id of its outbox entry. It is
-- then no longer listed as a draft (its files stay, named by their rows,
-- until the outbox has sent them), and submitting it again answers that
-- entry instead of filing a second dossier.
ALTER TABLE draft ADD COLUMN queued_as TEXT;
