-- Dossiers the engine knows, per acting profile: its own submissions (status
-- `queued` until the portal acknowledges them) and what the changes feed
-- brought. `code` is the portal's, known once it answered.
CREATE TABLE dossier (
    client_id TEXT PRIMARY KEY NOT NULL,
    acting_as TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT UNIQUE,
    due_on TEXT,
    updated_at TEXT,
    -- The feed cursor of the portal state stored here (NULL: never synced).
    seen_cursor INTEGER
);
-- A profile's dossiers, newest first, without scanning other profiles'.
CREATE INDEX dossier_by_profile ON dossier (acting_as, updated_at);

-- Submissions on their way to the portal. A row is never deleted: once the
-- portal acknowledged it, `phase` becomes `sent` and it stays as the record.
CREATE TABLE outbox (
    client_id TEXT PRIMARY KEY NOT NULL REFERENCES dossier (client_id),
    -- `pending` (queued, uploading or waiting for the network), `needs_action`
    -- (refused by the portal; not retried on its own) or `sent`.
    phase TEXT NOT NULL CHECK (phase IN ('pending', 'needs_action', 'sent')),
    -- The protocol's `OutboxState`, as JSON: what the citizen sees.
    state TEXT NOT NULL,
    -- The exact `SubmitDossier` body, so every retry sends the same bytes the
    -- idempotency key was first used with.
    request TEXT NOT NULL,
    procedure_name TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Unix seconds before which the sender leaves it alone (backoff, Retry-After).
    next_attempt_at INTEGER NOT NULL DEFAULT 0
);
-- The sender's question: which pending items are due now.
CREATE INDEX outbox_due ON outbox (phase, next_attempt_at);
-- The list's order.
CREATE INDEX outbox_by_queued_at ON outbox (queued_at);

-- Where each profile's changes feed was read up to.
CREATE TABLE sync_cursor (
    acting_as TEXT PRIMARY KEY NOT NULL,
    cursor INTEGER NOT NULL
);

-- A citizen's answer to a supplement request, being edited. `based_on` is the
-- feed cursor of the dossier state it answers; when the portal moves the
-- dossier on meanwhile, the draft is kept and flagged `conflict`.
CREATE TABLE supplement_draft (
    code TEXT PRIMARY KEY NOT NULL REFERENCES dossier (code),
    data TEXT NOT NULL,
    based_on INTEGER NOT NULL,
    conflict INTEGER NOT NULL DEFAULT 0,
    saved_at TEXT NOT NULL
);

-- Form definitions as fetched from the portal, so answers can be validated
-- before queueing while offline.
CREATE TABLE form_definition (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
