-- Dossiers as the portal received them. (submitter, client_id) is the
-- idempotency key: a replay finds the row and answers with the same code;
-- request_hash tells a replay from a different body under the same key.
-- owner is the profile the dossier belongs to: 'person:<subject>' or
-- 'enterprise:<tax code>'.
CREATE TABLE dossier (
    code TEXT PRIMARY KEY NOT NULL,
    submitter TEXT NOT NULL,
    client_id TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    owner TEXT NOT NULL,
    acting_as TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    form_id TEXT NOT NULL,
    form_version BIGINT NOT NULL,
    channel TEXT NOT NULL,
    data TEXT NOT NULL,
    attachments TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (submitter, client_id)
);

-- The changes feed: one row per change, read per owner from a cursor, so its
-- cost grows with the changes asked for, not with the history.
CREATE TABLE dossier_change (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner TEXT NOT NULL,
    code TEXT NOT NULL REFERENCES dossier (code) ON DELETE CASCADE
);
CREATE INDEX dossier_change_owner_seq ON dossier_change (owner, seq);

-- Serial numbers of dossier codes, per agency and day.
CREATE TABLE dossier_serial (
    prefix TEXT PRIMARY KEY NOT NULL,
    next_serial BIGINT NOT NULL
);
