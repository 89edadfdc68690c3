-- Following a dossier after submission: the last detail read from the portal
-- (shown offline), supplement answers on their way out, and the names of the
-- profiles the signed-in person acts for (for the business table).

-- The last `DossierDetail` the portal answered, as JSON, per dossier code.
CREATE TABLE dossier_detail (
    code TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);

-- What a supplement draft answers: the portal's answers when it was opened
-- (to show what changed), the request and the form, as JSON. NULL for a
-- draft saved before these columns existed; filled on the next open.
ALTER TABLE supplement_draft ADD COLUMN original TEXT;
ALTER TABLE supplement_draft ADD COLUMN request TEXT;
ALTER TABLE supplement_draft ADD COLUMN form TEXT;

-- Supplement answers on their way to the portal, like `outbox` for
-- submissions: never deleted, `sent` once the portal acknowledged them.
CREATE TABLE supplement_outbox (
    -- A fresh random id: the portal's `Idempotency-Key` for this answer.
    client_id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL REFERENCES dossier (code),
    phase TEXT NOT NULL CHECK (phase IN ('pending', 'needs_action', 'sent')),
    -- The protocol's `OutboxState`, as JSON.
    state TEXT NOT NULL,
    -- The exact `SubmitSupplement` body, sent byte for byte on every retry.
    request TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX supplement_outbox_due ON supplement_outbox (phase, next_attempt_at);
CREATE INDEX supplement_outbox_by_code ON supplement_outbox (code, phase);

-- The profiles of the signed-in person, as the portal last listed them:
-- `myself` or a tax code, with the name the business table shows.
CREATE TABLE profile_name (
    acting_as TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL
);

-- Every profile's dossiers, newest change first (the business table).
CREATE INDEX dossier_by_updated ON dossier (updated_at);
