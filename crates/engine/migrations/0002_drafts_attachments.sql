-- Drafts, autosaved: one row per draft, rewritten whole by each save in its
-- own transaction. `acting_as` is the profile's JSON (`"myself"` or
-- `{"enterprise":"<tax code>"}`), so drafts are listed per profile.
CREATE TABLE draft (
    id TEXT PRIMARY KEY NOT NULL,
    acting_as TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    procedure_name TEXT NOT NULL,
    form_id TEXT NOT NULL,
    form_version INTEGER NOT NULL,
    data TEXT NOT NULL,
    -- Unix milliseconds of the last durable save.
    saved_at INTEGER NOT NULL,
    conflict INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX draft_by_profile ON draft (acting_as, saved_at);

-- Attachments of drafts. The bytes live encrypted in a file named by a keyed
-- hash (`file_name`), never by the plaintext's SHA-256, which is kept here,
-- inside the encrypted store, to upload and deduplicate by.
CREATE TABLE attachment (
    draft_id TEXT NOT NULL REFERENCES draft (id) ON DELETE CASCADE,
    document_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    original_name TEXT NOT NULL,
    PRIMARY KEY (draft_id, document_id, sha256)
);
CREATE INDEX attachment_by_file ON attachment (file_name);
